/// The part of an executor's state that a construct changes while it runs and that is put back,
/// as one value, when it ends: a group, a function call, a sourced file or `eval`, a loop, a
/// condition, a foreground pipeline under job control. `Executor.with(_:_:)` is the one way to
/// change it for a while, so no call site can forget to restore a field.
struct RunContext: Sendable {
    /// The text running now (a function's, a sourced file's): for messages and job listings.
    var source: ScriptSource
    /// Where the command running now starts (for messages).
    var location: SourceLocation?
    /// > 0 inside a `{ …; }`, a compound command or a sourced file.
    var nesting = 0
    /// > 0 while running a pipeline whose failure must not trigger `set -e` (an `if` or loop
    /// condition, not the last of an `&&`/`||` chain, under `!`), and everything inside it.
    var errexitSuppressed = 0
    /// The loops `break` and `continue` can reach (a function call starts again at 0, as in dash).
    var loopDepth = 0
    /// Where the programs started now go.
    var placement = ProcessPlacement()
    /// Job control: the foreground pipeline running now, which Ctrl-Z may stop.
    var foregroundJob: Job?
    /// Set for the first pipeline of a background job or group: told the pid of its last stage (`$!`).
    var launchReporter: Job?

    init(source: ScriptSource) {
        self.source = source
    }

    /// The fields the commands running inside a construct change outside a `with` of their own:
    /// where the command running now starts, the reporter the first pipeline takes, the foreground
    /// job a program takes. The constructs that run at every nesting or pass put back only these
    /// and their own counter (`Executor.nested`, `withErrexitSuppressed`): a copy of the whole
    /// context counts every reference it holds.
    struct CommandFields {
        var location: SourceLocation?
        var launchReporter: Job?
        var foregroundJob: Job?
    }

    var commandFields: CommandFields {
        get { CommandFields(location: location, launchReporter: launchReporter, foregroundJob: foregroundJob) }
        set { (location, launchReporter, foregroundJob) = (newValue.location, newValue.launchReporter, newValue.foregroundJob) }
    }
}

/// The process group, session and job that programs started now join, and what they inherit for
/// job control. Subshells, background jobs and scripts run without `#!` take it along.
struct ProcessPlacement: Sendable {
    /// The process group that programs join; nil: the interpreter's own.
    var groupSlot: ProcessGroupSlot?
    /// `&!`: programs start in a new session.
    var detached = false
    /// The job this context runs for (its processes are recorded): a background
    /// job, or under job control the foreground pipeline running now.
    var job: Job?
    /// Job control: a command substitution's programs keep the shell's ignored SIGTSTP,
    /// SIGTTIN and SIGTTOU (as in bash), so that Ctrl-Z cannot stop what nobody could continue.
    var ignoresKeyboardStops = false
    /// The multi-stage pipeline whose stage this runs in: a program that cannot start aborts it.
    var abort: PipelineAbort?
}
