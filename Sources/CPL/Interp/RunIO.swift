import ChildProcess
import Glibc

/// Where a run's standard input comes from.
public enum RunInput: Sendable {
    /// The interpreter's own (the process's fd 0, or whatever the interpreter was given).
    case inherit
    /// `/dev/null`.
    case null
    /// These bytes, then end of file.
    case bytes([UInt8])
    /// This text (`losslessBytes`), then end of file.
    case text(String)
    /// A descriptor you own and keep open for the run.
    case fileDescriptor(FileDescriptor)
}

/// Where a run's standard output or error goes.
public enum RunOutput: Sendable {
    case inherit
    /// `/dev/null`.
    case discard
    /// Collected into `RunResult.stdout` / `.stderr`. The run returns once
    /// every writer has closed it (a background job that still holds it keeps
    /// the run waiting, as `$(cmd &)` does in sh).
    case capture
    /// A descriptor you own and keep open for the run.
    case fileDescriptor(FileDescriptor)
}

/// How a run ended.
public struct RunResult: Sendable {
    public enum Ending: Sendable, Equatable {
        /// The last command finished.
        case completed
        /// The `exit` builtin.
        case exit
        /// `set -e` and a failing command.
        case errexit
        /// An expansion error (`set -u`, `${x?}`), which ends a script in sh.
        case error
        /// The task running it was cancelled; its jobs were killed.
        case cancelled
        /// Ctrl-C under job control (a process of the foreground job died of
        /// SIGINT) or `Interpreter.interrupt()`: the rest of the run was skipped.
        case interrupted
    }

    /// The exit status (`$?` afterwards).
    public var status: Int32
    public var ending: Ending
    /// Captured standard output (empty unless `.capture`).
    public var stdout: [UInt8]
    /// Captured standard error (empty unless `.capture`), and a message when a capture failed.
    public var stderr: [UInt8]

    /// `stdout` decoded losslessly (bytes that are not UTF-8 survive, as in `$(…)`).
    public var stdoutText: String { String(losslessBytes: stdout) }
    public var stderrText: String { String(losslessBytes: stderr) }

    /// True for `exit` and `set -e`: a REPL should quit.
    public var exitRequested: Bool { ending == .exit || ending == .errexit }
}

/// What a captured output held: every byte up to end of file (once every writer has closed it),
/// or up to the error that ended the reading early.
struct Captured: Sendable {
    var bytes: [UInt8] = []
    var failure: Errno?

    /// The run's result with the captured bytes; a capture that failed says so on the captured
    /// stderr (or, when stderr was not captured, in place of it), rather than passing for an
    /// empty or shorter output.
    static func result(status: Int32, ending: RunResult.Ending, stdout: Captured?, stderr: Captured?) -> RunResult {
        var errors = stderr?.bytes ?? []
        for (name, capture) in [("output", stdout), ("error", stderr)] {
            if let failure = capture?.failure {
                errors += Array("cpl: reading the captured standard \(name) failed: \(failure)\n".utf8)
            }
        }
        return RunResult(status: status, ending: ending, stdout: stdout?.bytes ?? [], stderr: errors)
    }
}

/// The descriptors of one run, and the readers of its captured outputs.
struct RunStreams {
    var table: DescriptorTable
    var stdoutCapture: Task<Captured, Never>?
    var stderrCapture: Task<Captured, Never>?

    init(base: DescriptorTable, stdin: RunInput, stdout: RunOutput, stderr: RunOutput) throws(Errno) {
        table = base
        switch stdin {
        case .inherit: break
        case .null: table[0] = try OpenFile.devNull()
        case .bytes(let bytes): table[0] = try OpenFile.reading(bytes)
        case .text(let text): table[0] = try OpenFile.reading(text.losslessBytes)
        case .fileDescriptor(let descriptor): table[0] = OpenFile(borrowing: descriptor)
        }
        stdoutCapture = try Self.connect(stdout, fd: 1, in: &table)
        stderrCapture = try Self.connect(stderr, fd: 2, in: &table)
    }

    private static func connect(_ output: RunOutput, fd: Int, in table: inout DescriptorTable) throws(Errno) -> Task<Captured, Never>? {
        switch output {
        case .inherit:
            return nil
        case .discard:
            table[fd] = try OpenFile.devNull()
            return nil
        case .fileDescriptor(let descriptor):
            table[fd] = OpenFile(borrowing: descriptor)
            return nil
        case .capture:
            let (reader, writeEnd) = try StdioPipe.makeReader()
            table[fd] = OpenFile(owning: writeEnd)
            return Task {
                var captured = Captured()
                do throws(Errno) {
                    while let chunk = try await reader.read() { captured.bytes += chunk }
                } catch {
                    captured.failure = error
                }
                return captured
            }
        }
    }
}
