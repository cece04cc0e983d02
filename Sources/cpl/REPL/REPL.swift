import CPL
import ChildProcess
import Glibc

/// The interactive shell: read a command with readline (more lines while it
/// is incomplete), run it with job control, report jobs, repeat.
final class REPL {
    private let interpreter: Interpreter
    private let editor = LineEditor()
    private var history: History
    /// The terminal when stdin is one: job control is on.
    private let terminal: Int32?
    /// The process group that had the terminal before us (given back on exit).
    private let originalGroup: Int32
    /// `exit` with stopped jobs warns once, as bash does.
    private var warnedAboutStoppedJobs = false

    init(options: CommandLineOptions) {
        terminal = isatty(0) != 0 ? 0 : nil
        originalGroup = terminal.map { tcgetpgrp($0) } ?? getpgrp()
        if let terminal { REPL.takeTerminal(terminal) }
        var interpreterOptions = Interpreter.Options(
            scriptName: "cpl", jobControl: terminal.map { JobControl(terminal: $0) },
            inheritedDescriptors: CommandLineTool.openDescriptors(), shellOptions: options.shellOptions)
        interpreterOptions.execReplacesProcess = true
        interpreter = Interpreter(options: interpreterOptions)
        interpreter.positionalParameters = options.arguments
        history = History(environment: interpreter.environment)
        Completion.install(for: interpreter)
    }

    /// Like an interactive sh: wait until we are in the foreground, lead a
    /// process group of our own, own the terminal, and ignore the signals
    /// the keyboard sends to the foreground group (jobs get them instead).
    private static func takeTerminal(_ terminal: Int32) {
        while tcgetpgrp(terminal) != getpgrp() { kill(-getpgrp(), SIGTTIN) }
        for ignored in [SIGTTOU, SIGTTIN, SIGTSTP, SIGQUIT, SIGTERM] { signal(ignored, SIG_IGN) }
        if getpgrp() != getpid() { setpgid(0, 0) }
        tcsetpgrp(terminal, getpgrp())
    }

    func run() -> Int32 {
        let interpreter = self.interpreter
        let signals = editor.signals
        do throws(Errno) {
            try ProcessSignals.observe(.interrupt) { signal in
                // A command running in-process (no job of its own has the terminal) first: once posted,
                // the prompt may already be running the next line, which this interrupt must not reach.
                interpreter.interrupt()
                signals.post(signal)
            }
            try ProcessSignals.observe(.windowChange) { signals.post($0) }
            try ProcessSignals.observe(.hangup) { _ in
                // The terminal went away: hang up our jobs too, then go.
                interpreter.signalJobs(.hangup)
                exit(128 + SIGHUP)
            }
        } catch {
            // Without them Ctrl-C would end the shell rather than the line.
            CommandLineTool.writeError("cpl: cannot catch signals: \(error.description)\n")
            return 2
        }
        // `set -o vi|emacs` starts as readline's mode (from ~/.inputrc), then chooses it.
        var options = interpreter.shellOptions
        options[editor.editingMode == .vi ? "vi" : "emacs"] = true
        interpreter.shellOptions = options
        runStartupFile()
        var pending = ""
        while true {
            for notice in interpreter.takeJobNotifications() { CommandLineTool.writeError(notice + "\n") }
            let chosen = interpreter.shellOptions
            if chosen.vi { editor.editingMode = .vi } else if chosen.emacs { editor.editingMode = .emacs }
            let prompt = Prompt(
                variables: interpreter.variables, workingDirectory: interpreter.workingDirectory,
                status: interpreter.lastStatus)
            switch editor.readLine(prompt: pending.isEmpty ? prompt.primary : prompt.continuation) {
            case .interrupted:
                pending = ""
                interpreter.lastStatus = 128 + SIGINT
            case .endOfInput:
                if !pending.isEmpty {
                    CommandLineTool.writeError("cpl: unexpected end of input\n")
                    pending = ""
                    interpreter.lastStatus = 2
                    continue
                }
                if let status = leave(status: interpreter.lastStatus) { return status }
            case .line(let line):
                pending += line + "\n"
                let parsed = parse(pending)
                if case .incomplete = parsed { continue }
                // A command typed over several lines is one history entry.
                history.record(History.entry(forLines: pending))
                switch parsed {
                case .incomplete:
                    continue
                case .invalid(let message):
                    CommandLineTool.writeError(message)
                    interpreter.lastStatus = 2
                case .complete(let program):
                    if let status = execute(program, source: pending) { return status }
                }
                pending = ""
            }
        }
    }

    /// `$CPL_RC`, else `~/.cplrc`: run in the session before the first prompt, so that its
    /// functions, variables and options stay (bash's `.bashrc`). A missing file is fine.
    private func runStartupFile() {
        let environment = interpreter.environment
        guard let path = environment["CPL_RC"] ?? environment["HOME"].map({ $0 + "/.cplrc" }),
            path.withLosslessCString({ access($0, F_OK) }) == 0
        else { return }
        let interpreter = self.interpreter
        do {
            let script = try Script.load(path: path)
            _ = Blocking.run { await interpreter.run(script) }
        } catch {
            CommandLineTool.writeError(error.description + (error.description.hasSuffix("\n") ? "" : "\n"))
        }
    }

    private enum Parsed {
        case complete(Program)
        case incomplete
        case invalid(String)
    }

    private func parse(_ text: String) -> Parsed {
        do {
            return .complete(try Parser.parse(
                text, fileName: "<stdin>", aliases: interpreter.aliases, posix: interpreter.shellOptions.posix))
        } catch {
            return error.isIncomplete ? .incomplete : .invalid(error.rendered)
        }
    }

    /// Runs one command; returns the status to exit with when it asked to.
    private func execute(_ program: Program, source: String) -> Int32? {
        let interpreter = self.interpreter
        let result = Blocking.run { await interpreter.run(program, source: source, fileName: "<stdin>") }
        if result.ending == .interrupted { CommandLineTool.write("\n", to: 2) }
        return result.exitRequested ? leave(status: result.status) : nil
    }

    /// `exit` or Ctrl-D: warns once about stopped jobs; otherwise hangs up the
    /// jobs still running (as closing a terminal does), gives the terminal back.
    private func leave(status: Int32) -> Int32? {
        if interpreter.jobs.contains(where: { $0.stopSignal != nil }) && !warnedAboutStoppedJobs {
            warnedAboutStoppedJobs = true
            CommandLineTool.writeError("cpl: there are stopped jobs (exit again to end them)\n")
            return nil
        }
        interpreter.signalJobs(.hangup)
        if let terminal { tcsetpgrp(terminal, originalGroup) }
        return status
    }
}
