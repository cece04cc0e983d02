import Glibc

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
    /// `.fd(n)` borrows it: the caller keeps it and closes it. `.fd(n, closeAfterSpawn: true)`
    /// hands it over: the library closes it in the parent once the spawn is over, whether or not
    /// it succeeded (Go's closeAfterStart).
    case fd(FileDescriptor, closeAfterSpawn: Bool = false)
    /// A file the library opens for the child and closes in the parent after the spawn; created
    /// (mode 0o666 less the umask) when written. Entries naming the same file with the same access
    /// share one open file, as `>out.log 2>&1` does: their output does not overwrite each other.
    case file(String, FileAccess)
    /// The child's end of a new pseudo-terminal (one per child, whatever the number of entries),
    /// which becomes its controlling terminal: the child leads a new session, and the parent's end
    /// is `ChildProcess.terminal`. Its size is `SpawnOptions.terminalSize`. For `spawn` and `fork`.
    case terminal
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

extension StdioOption {
    /// How `.file` opens its file.
    public enum FileAccess: Sendable, Hashable {
        /// For input.
        case reading
        /// For output, emptied first (`>`).
        case truncating
        /// For output, every write at the end (`>>`).
        case appending

        var openFlags: Int32 {
            switch self {
            case .reading: O_RDONLY
            case .truncating: O_WRONLY | O_CREAT | O_TRUNC
            case .appending: O_WRONLY | O_CREAT | O_APPEND
            }
        }
    }
}

extension Array where Element == StdioOption {
    /// Node's string shorthand: `"pipe"` means `["pipe", "pipe", "pipe"]`.
    public static func all(_ option: StdioOption) -> [StdioOption] { [option, option, option] }
}
