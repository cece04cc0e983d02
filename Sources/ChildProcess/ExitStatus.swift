import CChildProcessShims

/// How a child ended: Node's `(code, signal)` pair of the 'exit' event, as one value.
public enum ExitStatus: Sendable, Hashable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Signal)

    init(waitStatus status: Int32) {
        if cp_wifsignaled(status) != 0 {
            self = .signaled(Signal(rawValue: cp_wtermsig(status)))
        } else {
            self = .exited(cp_wexitstatus(status))
        }
    }

    /// Node's `code`: the exit code, or nil when a signal ended the child.
    public var code: Int32? { if case .exited(let code) = self { code } else { nil } }
    /// Node's `signalCode`.
    public var signal: Signal? { if case .signaled(let signal) = self { signal } else { nil } }
    public var isSuccess: Bool { self == .exited(0) }
    /// The status a shell reports: the code, or 128 + the signal number.
    public var shellStatus: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal.rawValue
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): "exit code \(code)"
        case .signaled(let signal): "signal \(signal.name)"
        }
    }
}
