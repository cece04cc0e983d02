import ChildProcess
import Glibc

/// Every file-system effect of the interpreter behind one seam, as mvdan/sh's interp handlers
/// are: the files that redirections, `.` and scripts open; what `test`, `cd`, the PATH search and
/// globbing ask of stat(2) and access(2); the directories that globbing and completion read.
/// Paths come absolute (resolved against the shell's working directory, never the process's).
///
/// The default, `.system`, makes the system calls. An embedder may replace any of them
/// (`Interpreter.Options.fileSystem`) to sandbox, virtualise or record what a script touches.
/// Starting programs is the other seam, `ExecHandler`.
public struct FileSystem: Sendable {
    /// open(2) with `flags` (O_CLOEXEC is added; a file created gets mode 0666 less the umask).
    public var open: @Sendable (_ path: String, _ flags: Int32) throws(Errno) -> FileDescriptor
    /// stat(2), or lstat(2) when `followingSymlinks` is false.
    public var status: @Sendable (_ path: String, _ followingSymlinks: Bool) throws(Errno) -> FileStatus
    /// faccessat(2) with AT_EACCESS: throws unless the effective user may access `path` so.
    public var access: @Sendable (_ path: String, _ access: FileAccess) throws(Errno) -> Void
    /// The names in a directory as readdir(3) lists them (`.` and `..` included), in no
    /// particular order.
    public var directoryEntries: @Sendable (_ path: String) throws(Errno) -> [String]

    public init(
        open: @escaping @Sendable (_ path: String, _ flags: Int32) throws(Errno) -> FileDescriptor,
        status: @escaping @Sendable (_ path: String, _ followingSymlinks: Bool) throws(Errno) -> FileStatus,
        access: @escaping @Sendable (_ path: String, _ access: FileAccess) throws(Errno) -> Void,
        directoryEntries: @escaping @Sendable (_ path: String) throws(Errno) -> [String]
    ) {
        self.open = open
        self.status = status
        self.access = access
        self.directoryEntries = directoryEntries
    }

    /// The system calls themselves.
    public static let system = FileSystem(
        open: { path, flags throws(Errno) in try FileDescriptor.open(path, flags) },
        status: { path, followingSymlinks throws(Errno) in
            var info = stat()
            let result = path.withLosslessCString { followingSymlinks ? stat($0, &info) : lstat($0, &info) }
            guard result == 0 else { throw Errno(rawValue: errno) }
            return FileStatus(
                mode: info.st_mode, userID: info.st_uid, groupID: info.st_gid, size: Int64(info.st_size),
                device: UInt64(info.st_dev), inode: UInt64(info.st_ino),
                modified: FileTimestamp(seconds: info.st_mtim.tv_sec, nanoseconds: info.st_mtim.tv_nsec))
        },
        access: { path, access throws(Errno) in
            let mode =
                switch access {
                case .read: R_OK
                case .write: W_OK
                case .execute: X_OK
                }
            guard path.withLosslessCString({ faccessat(AT_FDCWD, $0, mode, AT_EACCESS) }) == 0 else {
                throw Errno(rawValue: errno)
            }
        },
        directoryEntries: { path throws(Errno) in
            try path.withLosslessCString { cPath throws(Errno) -> [String] in
                guard let directory = opendir(cPath) else { throw Errno(rawValue: errno) }
                defer { closedir(directory) }
                var names: [String] = []
                // Only the name's own bytes are read: glibc sizes each record to its name, so
                // loading the whole 256-byte `d_name` field reads past the end of the record.
                let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
                while let entry = readdir(directory) {
                    let name = UnsafeRawPointer(entry).advanced(by: nameOffset).assumingMemoryBound(to: UInt8.self)
                    names.append(String(losslessBytes: UnsafeBufferPointer(start: name, count: strlen(name))))
                }
                return names
            }
        })

    /// What is at `path`, following symbolic links: nil when nothing is (or it cannot be known).
    func kind(of path: String) -> FileKind? {
        (try? status(path, true)).map { FileKind(mode: $0.mode) }
    }

    /// Whether the effective user may access `path` so.
    func isAccessible(_ path: String, _ access: FileAccess) -> Bool {
        (try? self.access(path, access)) != nil
    }

    /// A regular file the effective user may execute (what the PATH search accepts).
    func isProgram(_ path: String) -> Bool {
        kind(of: path) == .regular && isAccessible(path, .execute)
    }
}

/// The type bits of a file's mode, as far as the shell distinguishes them.
enum FileKind: Equatable {
    case regular, directory, other

    init(mode: UInt32) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        default: self = .other
        }
    }
}
