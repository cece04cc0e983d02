/// A failed `exec`/`execFile`/`execSync`/`spawnSync`: Node's error with `code`, `signal`, `killed`, `cmd`,
/// `stdout` and `stderr`, and a `reason` that says which failure it was.
public struct ExecError: Error, Sendable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// The child ran and exited non-zero or was killed by a signal it was not sent by us.
        case failed
        /// The child could not be started.
        case spawnFailed(SpawnError)
        /// `timeout` elapsed; the child was killed with `killSignal` (Node's ETIMEDOUT in the sync forms).
        case timedOut
        /// stdout (1) or stderr (2) went past `maxBuffer` (Node's ENOBUFS in the sync forms).
        case maxBufferExceeded(descriptor: Int32)
        /// The cancellation handle or the task was cancelled.
        case aborted
        /// The child ran, but something else in this process reaped it first (waitpid's ECHILD):
        /// SIGCHLD set to SIG_IGN, which makes the kernel reap every child, or a stray
        /// `waitpid(-1)`. Its exit status is lost (`status` is nil). Reported by the async forms
        /// and the sync ones alike.
        case childAlreadyReaped
        /// poll(2) failed with this error (not EINTR) while the sync forms followed the child's
        /// pipes; the child was killed with `killSignal` and reaped.
        case pollFailed(Errno)
    }

    public let reason: Reason
    /// The command line, as Node's `cmd`.
    public let cmd: String
    /// How the child ended; nil when it never started.
    public let status: ExitStatus?
    /// True when the library signalled the child (timeout, maxBuffer, abort).
    public let killed: Bool
    public let stdoutBytes: [UInt8]
    public let stderrBytes: [UInt8]
    public let encoding: OutputEncoding
    /// How the library's teardown ended the child (timeout, cancellation, maxBuffer); nil otherwise.
    public internal(set) var teardown: TeardownReport? = nil

    public var code: Int32? { status?.code }
    public var signal: Signal? { status?.signal }
    public var stdout: String { encoding.decode(stdoutBytes) }
    public var stderr: String { encoding.decode(stderrBytes) }

    /// Node's message: `Command failed: <cmd>\n<stderr>`, or what went wrong instead.
    public var message: String {
        switch reason {
        case .failed, .timedOut: "Command failed: \(cmd)\n\(stderr)"
        case .aborted: status == nil ? "The operation was aborted" : "Command failed: \(cmd)\n\(stderr)"
        case .spawnFailed(let error): error.description
        case .maxBufferExceeded(let descriptor): "\(descriptor == 1 ? "stdout" : "stderr") maxBuffer length exceeded"
        case .childAlreadyReaped: "\(cmd): exit status lost: the child was reaped elsewhere (ECHILD)"
        case .pollFailed(let error): "\(cmd): poll \(error.code) (\(error.description))"
        }
    }

    public var description: String { message }
}

extension SpawnError: Equatable {
    public static func == (a: SpawnError, b: SpawnError) -> Bool {
        a.errno == b.errno && a.syscall == b.syscall && a.path == b.path && a.spawnargs == b.spawnargs
    }
}
