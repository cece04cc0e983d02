/// What one descriptor of the child is connected to, as an entry of Node's `stdio` array.
public enum StdioOption: Sendable, Hashable, ExpressibleByStringLiteral {
    /// A new pipe; the parent's end appears as `ChildProcess.stdio[n]`. fds 0–2 get a pipe(2),
    /// higher fds an AF_UNIX socket pair so that both sides can read and write (as in Node).
    case pipe
    /// /dev/null for fds 0–2; a higher fd is left closed (Node's `'ignore'`).
    case ignore
    /// The parent's own descriptor with the same number.
    case inherit
    /// A duplicate of a descriptor the parent holds: a file, or a pipe end connecting two children.
    case fd(FileDescriptor)
    /// The descriptor is closed in the child.
    case closed
    /// The Node-compatible IPC channel (at most one per child; see `fork`).
    case ipc

    /// `"pipe"`, `"ignore"`, `"inherit"`, `"ipc"`; anything else traps as a programming error.
    public init(stringLiteral value: String) {
        switch value {
        case "pipe": self = .pipe
        case "ignore": self = .ignore
        case "inherit": self = .inherit
        case "ipc": self = .ipc
        default: preconditionFailure("unknown stdio option \"\(value)\": use pipe, ignore, inherit or ipc")
        }
    }
}

extension Array where Element == StdioOption {
    /// Node's string shorthand: `"pipe"` means `["pipe", "pipe", "pipe"]`.
    public static func all(_ option: StdioOption) -> [StdioOption] { [option, option, option] }
}
