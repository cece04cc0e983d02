import Glibc

/// What `test` asks about files and descriptors. The shell answers: paths are relative to its
/// working directory (not the process's), and `-t` is about its descriptor table.
public protocol TestFileQueries {
    /// stat(2) of `path`, or lstat(2) when `followingSymlinks` is false; nil when it fails.
    func status(of path: String, followingSymlinks: Bool) -> FileStatus?
    /// faccessat(2) with AT_EACCESS: whether the effective user may access `path` so.
    func isAccessible(_ path: String, for access: FileAccess) -> Bool
    /// Whether the shell's descriptor `descriptor` is open on a terminal.
    func isTerminal(_ descriptor: Int32) -> Bool
    var effectiveUserID: UInt32 { get }
    var effectiveGroupID: UInt32 { get }
}

public enum FileAccess: Sendable {
    case read, write, execute
}

/// The parts of a stat(2) result `test` looks at.
public struct FileStatus: Sendable, Equatable {
    /// `st_mode`: the type (`S_IFMT` bits) and permission bits.
    public var mode: UInt32
    public var userID: UInt32
    public var groupID: UInt32
    public var size: Int64
    public var device: UInt64
    public var inode: UInt64
    public var modified: FileTimestamp

    public init(
        mode: UInt32, userID: UInt32, groupID: UInt32, size: Int64, device: UInt64, inode: UInt64,
        modified: FileTimestamp
    ) {
        self.mode = mode
        self.userID = userID
        self.groupID = groupID
        self.size = size
        self.device = device
        self.inode = inode
        self.modified = modified
    }
}

/// A modification time to the nanosecond (`-nt` and `-ot` compare both parts, as dash does).
public struct FileTimestamp: Sendable, Comparable {
    public var seconds: Int
    public var nanoseconds: Int

    public init(seconds: Int, nanoseconds: Int) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }
}

/// A file system (the real one by default) seen from `workingDirectory`.
public struct SystemFileQueries: TestFileQueries {
    public let workingDirectory: String
    private let fileSystem: FileSystem
    private let terminalQuery: (Int32) -> Bool

    /// `isTerminal` answers `-t`; by default it asks isatty(3) about the process's own descriptor,
    /// which is right only where the shell's table is the process's.
    public init(
        workingDirectory: String, fileSystem: FileSystem = .system,
        isTerminal: @escaping (Int32) -> Bool = { isatty($0) == 1 }
    ) {
        self.workingDirectory = workingDirectory
        self.fileSystem = fileSystem
        self.terminalQuery = isTerminal
    }

    public func status(of path: String, followingSymlinks: Bool) -> FileStatus? {
        try? fileSystem.status(located(path), followingSymlinks)
    }

    public func isAccessible(_ path: String, for access: FileAccess) -> Bool {
        fileSystem.isAccessible(located(path), access)
    }

    public func isTerminal(_ descriptor: Int32) -> Bool {
        terminalQuery(descriptor)
    }

    public var effectiveUserID: UInt32 { geteuid() }
    public var effectiveGroupID: UInt32 { getegid() }

    /// `path` resolved against the working directory. An empty path stays empty (so it fails, as
    /// it does in dash) instead of naming the directory.
    private func located(_ path: String) -> String {
        path.isEmpty ? path : PathLookup.absolute(path, in: workingDirectory)
    }
}
