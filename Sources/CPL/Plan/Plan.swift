import ChildProcess

/// What a program will do, as plain data: jobs, their pipelines, each stage's
/// resolved argv, assignments and every descriptor's source, in the order
/// the executor applies them.
///
/// The executor plans each pipeline just before running it (expansions see
/// the variables set by earlier commands). `cpl --plan` plans a whole script
/// up front with `StaticPlanner`, which executes assignments symbolically and
/// shows `$(…)` unevaluated.
public struct Plan: Sendable, Equatable {
    public var jobs: [PlannedJob]
    /// Some `$(…)` was shown as written instead of being run (`--plan`).
    public var hasUnevaluatedSubstitutions: Bool
    /// Some variable was shown as `$NAME`: its value depends on how the script runs.
    public var hasRunTimeValues = false

    public init(jobs: [PlannedJob] = [], hasUnevaluatedSubstitutions: Bool = false) {
        self.jobs = jobs
        self.hasUnevaluatedSubstitutions = hasUnevaluatedSubstitutions
    }
}

/// One list item: an and-or list with how it runs.
public struct PlannedJob: Sendable, Equatable {
    public enum Mode: String, Sendable, Equatable {
        /// `;` or newline: the shell waits for it.
        case foreground
        /// `&`: own process group, stdin from /dev/null unless redirected; `$!` is set.
        case background
        /// `&!`: new session, unredirected stdio from/to /dev/null, never waited for.
        case detached
    }

    public var mode: Mode
    /// The first pipeline has no connector; the others `&&` or `||`.
    public var pipelines: [PlannedPipeline]
    public var range: SourceRange
    /// The and-or list as written.
    public var sourceText: String

    public init(mode: Mode, pipelines: [PlannedPipeline], range: SourceRange, sourceText: String) {
        self.mode = mode
        self.pipelines = pipelines
        self.range = range
        self.sourceText = sourceText
    }
}

extension PlannedJob.Mode {
    public init(_ terminator: ListTerminator) {
        switch terminator {
        case .sequential: self = .foreground
        case .background: self = .background
        case .detached: self = .detached
        }
    }
}

public struct PlannedPipeline: Sendable, Equatable {
    /// nil for the first pipeline of a job.
    public var connector: AndOrOperator?
    public var negated: Bool
    /// Stage i reads pipe i-1 and writes pipe i.
    public var stages: [PlannedStage]
    public var range: SourceRange

    public init(connector: AndOrOperator?, negated: Bool, stages: [PlannedStage], range: SourceRange) {
        self.connector = connector
        self.negated = negated
        self.stages = stages
        self.range = range
    }

    /// Number of pipes connecting the stages.
    public var pipeCount: Int { max(0, stages.count - 1) }
}

public struct PlannedAssignment: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

public struct PlannedStage: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// An external program; `arguments[0]` is its name as written.
        case program(arguments: [String])
        /// A builtin (the shell's own or one registered by the embedder).
        case builtin(arguments: [String])
        /// `( … )`: runs with a copy of the variables and cwd.
        case subshell(Program)
        /// `{ …; }`: runs in the current context.
        case group(Program)
        /// `if`, `while`, `until`, `for`, `case`: run in the current context.
        case compound(CompoundCommand)
        /// A call of a shell function; `arguments[0]` is its name.
        case function(arguments: [String])
        /// `name() …`: defines (or redefines) a function.
        case defineFunction(FunctionDefinition)
        /// No command word: the assignments set shell variables; redirections
        /// are performed (files created) and undone.
        case assignmentsOnly
        /// Expanding the stage's words failed (`set -u`, `${x?}`); the stage
        /// reports the message and ends with status 2.
        case expansionFailed(ExpansionError)
        /// `@host cmd`: ssh runs the command on each host.
        case remote(RemoteStage)
    }

    public var action: Action
    /// For a program or builtin: its extra environment. Alone: shell variables.
    public var assignments: [PlannedAssignment]
    /// The pipe connections first, then the redirections left to right, then
    /// the `2>&1` of `|&`.
    public var descriptors: [DescriptorAction]
    public var range: SourceRange
    /// Groups and subshells planned ahead of time (only `StaticPlanner` fills it).
    public var body: Plan?
    /// The parts of a compound command or function definition planned ahead of time (only
    /// `StaticPlanner` fills it): `if`/`then`/`else` lists, a loop's condition and body, a
    /// `case`'s arms, a function's body.
    public var sections: [PlanSection] = []
    /// The assignments the executor expands after performing the redirections (see
    /// `Planner.defersAssignments`); `assignments` is empty until then.
    var deferredAssignments: [Assignment] = []

    public init(
        action: Action, assignments: [PlannedAssignment] = [], descriptors: [DescriptorAction] = [],
        range: SourceRange, body: Plan? = nil
    ) {
        self.action = action
        self.assignments = assignments
        self.descriptors = descriptors
        self.range = range
        self.body = body
    }

    /// The command name for messages (`echo`, `(…)`, `{…}`).
    public var displayName: String {
        switch action {
        case .program(let arguments), .builtin(let arguments), .function(let arguments): arguments.first ?? ""
        case .subshell: "(…)"
        case .group: "{…}"
        case .compound(let compound): "\(compound.keyword)…"
        case .defineFunction(let function): "\(function.name)()"
        case .assignmentsOnly, .expansionFailed: ""
        case .remote(let remote): remote.command.first ?? ""
        }
    }
}

/// One labelled part of a compound command's plan (`then`, `do`, `*.txt)`).
public struct PlanSection: Sendable, Equatable {
    public var header: String
    public var plan: Plan

    public init(header: String, plan: Plan) {
        self.header = header
        self.plan = plan
    }
}

/// Which end of a pipe a stage gets.
public enum PipeEnd: String, Sendable, Equatable {
    case read, write
}

/// How a redirection opens its file.
public enum OpenMode: String, Sendable, Equatable {
    /// `<`
    case read
    /// `>` and `>|`: create or truncate.
    case truncate
    /// `>` under `set -C`: fail if a regular file exists.
    case noclobber
    /// `>>`
    case append
    /// `<>`: read and write, create if missing, no truncation.
    case readWrite
}

/// One step of a stage's descriptor table, applied in order.
public enum DescriptorAction: Sendable, Equatable {
    /// `fd` becomes an end of pipe `pipe` (pipe i connects stage i to stage i+1).
    case pipe(fd: Int, pipe: Int, end: PipeEnd)
    case open(fd: Int, path: String, mode: OpenMode)
    /// `fd>&source` / `fd<&source`: `fd` becomes a copy of `source`.
    case duplicate(fd: Int, source: Int)
    /// `fd>&-`
    case close(fd: Int)
    /// A here-document or here-string: `fd` reads `text`.
    case hereDocument(fd: Int, text: String)
    /// `>&word` where word is neither a number nor `-`.
    case invalid(fd: Int, message: String)

    /// The descriptor this step changes.
    public var fd: Int {
        switch self {
        case .pipe(let fd, _, _), .open(let fd, _, _), .duplicate(let fd, _), .close(let fd),
            .hereDocument(let fd, _), .invalid(let fd, _):
            fd
        }
    }
}

/// What a descriptor refers to once a stage's steps are applied (for
/// printing and testing plans: the executor applies the same steps to real
/// descriptors).
public enum DescriptorSource: Sendable, Equatable, CustomStringConvertible {
    /// The context's own descriptor n (from before the stage's steps).
    case inherited(Int)
    case pipe(Int, PipeEnd)
    case file(String, OpenMode)
    case hereDocument(String)

    public var description: String {
        switch self {
        case .inherited(let fd): "inherited \(fd)"
        case .pipe(let pipe, let end): "pipe \(pipe + 1) (\(end.rawValue) end)"
        case .file(let path, let mode): "\(RemoteShell.quote(argument: path)) (\(mode.rawValue))"
        case .hereDocument: "here-document"
        }
    }
}

extension DescriptorAction {
    /// Applies `actions` in order to a table that starts with `inherited`;
    /// nil when a step would fail (duplicating a closed descriptor, a bad fd word).
    public static func resolve(_ actions: [DescriptorAction], inherited: [Int] = [0, 1, 2]) -> [Int: DescriptorSource]? {
        var table: [Int: DescriptorSource] = [:]
        for fd in inherited { table[fd] = .inherited(fd) }
        for action in actions {
            switch action {
            case .pipe(let fd, let pipe, let end): table[fd] = .pipe(pipe, end)
            case .open(let fd, let path, let mode): table[fd] = .file(path, mode)
            case .duplicate(let fd, let source):
                guard let entry = table[source] else { return nil }
                table[fd] = entry
            case .close(let fd): table[fd] = nil
            case .hereDocument(let fd, let text): table[fd] = .hereDocument(text)
            case .invalid: return nil
            }
        }
        return table
    }
}
