import ChildProcess
import Synchronization

// The embedder's hooks, in the spirit of mvdan/sh's interp handlers: builtins
// written in Swift, an exec handler around every program start, and job
// observers. All run concurrently with the script and must be Sendable.

/// A builtin written in Swift. It may be a pipeline stage: its streams are
/// then pipe ends, read and written concurrently with the other stages.
/// Returns the exit status. An error it throws is reported on its standard error
/// (`cpl: file:line:column: name: error`) and gives status 1 (141 when a write found the reader gone).
public typealias BuiltinFunction = @Sendable (BuiltinInvocation) async throws -> Int32

/// What a Swift builtin gets.
public struct BuiltinInvocation: Sendable {
    /// `arguments[0]` is the builtin's name.
    public let arguments: [String]
    /// The exported variables plus the command's prefix assignments.
    public let environment: [String: String]
    public let workingDirectory: String
    public let stdin: ShellInput
    public let stdout: ShellOutput
    public let stderr: ShellOutput
    let descriptors: DescriptorHandoff

    /// Any descriptor of the command's table (`3<file mybuiltin`). Do not close it.
    public func fileDescriptor(_ fd: Int) -> FileDescriptor? { descriptors[fd]?.descriptor }
}

/// A program about to be started. An `ExecHandler` may change it (sandbox,
/// rewrite) before calling `next`, record it, or replace it entirely by
/// writing to its streams and returning a status without calling `next`.
public struct ExecRequest: Sendable {
    /// `arguments[0]` is the program as written (looked up in the PATH of `environment`).
    public var arguments: [String]
    /// The program's whole environment.
    public var environment: [String: String]
    public var workingDirectory: String
    public let stdin: ShellInput
    public let stdout: ShellOutput
    public let stderr: ShellOutput
    /// Where the command is in the script.
    public let fileName: String
    public let line: Int
    public let column: Int
    let descriptors: DescriptorHandoff
    /// What the shell's search made of `arguments[0]` already (the launcher searches when it is nil
    /// or no longer for the program and PATH asked for).
    var lookup: ProgramLookup?

    /// Any descriptor the program would get. Do not close it.
    public func fileDescriptor(_ fd: Int) -> FileDescriptor? { descriptors[fd]?.descriptor }
    /// The descriptor numbers the program would get.
    public var descriptorNumbers: [Int] { descriptors.numbers }
}

/// Starts the program the default way (or calls the next handler); returns its status.
public typealias ExecNext = @Sendable (ExecRequest) async -> Int32
/// Wraps every program start. Call `next(request)` to run it.
public typealias ExecHandler = @Sendable (ExecRequest, ExecNext) async -> Int32

/// A job as observers and `Interpreter.jobs` see it.
public struct JobInfo: Sendable, Equatable {
    /// `%n` for background jobs; nil for foreground and detached ones.
    public var number: Int?
    public var mode: PlannedJob.Mode
    /// The and-or list as written.
    public var command: String
    /// Processes started so far (in-process stages have none).
    public var processIDs: [Int32]
    /// The exit status once finished.
    public var status: Int32?
    /// Job control: the signal that stopped it (Ctrl-Z is SIGTSTP), while stopped.
    public var stopSignal: Signal?
}

public enum JobEvent: Sendable, Equatable {
    /// A list item starts (processes not yet started).
    case started(JobInfo)
    /// It finished: `status` and `processIDs` are filled in. Background jobs
    /// report this when they end, whether or not anyone waits for them; a
    /// detached job reports it once started, since cpl never waits for it.
    case finished(JobInfo)
}

public typealias JobObserver = @Sendable (JobEvent) -> Void

/// Job control, as in an interactive shell (`Interpreter.Options.jobControl`):
/// every foreground pipeline runs in a process group of its own; when all its
/// processes stop (Ctrl-Z, SIGSTOP) the run goes on with status 128+signal and
/// the pipeline becomes a stopped job that `fg` and `bg` continue; a process
/// of it killed by SIGINT (Ctrl-C) ends the whole run with status 130.
public struct JobControl: Sendable {
    /// The terminal shared with foreground jobs: each gets it (tcsetpgrp) for
    /// as long as it runs, and its modes are restored afterwards. nil: process
    /// groups and stops only (an embedder without a terminal). The process
    /// should ignore SIGTTOU, SIGTTIN and SIGTSTP, as shells do.
    public var terminal: Int32?

    public init(terminal: Int32? = nil) {
        self.terminal = terminal
    }
}

/// The descriptors of one command, shared by every copy of its request and
/// released as soon as the program has them (so pipe ends close promptly).
final class DescriptorHandoff: Sendable {
    private let table: Mutex<DescriptorTable>

    init(_ table: DescriptorTable) {
        self.table = Mutex(table)
    }

    subscript(fd: Int) -> OpenFile? { table.withLock { $0[fd] } }
    var numbers: [Int] { table.withLock { $0.numbers } }
    var stdio: [StdioOption] { table.withLock { $0.stdio } }
    var snapshot: DescriptorTable { table.withLock { $0 } }

    /// Drops this command's references to its descriptors.
    func release() {
        let old = table.withLock { table -> DescriptorTable in
            defer { table = DescriptorTable() }
            return table
        }
        _ = old  // closed here, outside the lock
    }
}
