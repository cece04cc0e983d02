/// A child that could not be started, with the fields Node puts on the error:
/// `spawn bad_command ENOENT`, errno, code, syscall, path, spawnargs.
public struct SpawnError: Error, Sendable, CustomStringConvertible {
    public let errno: Errno
    /// `spawn <file>` for exec failures, `chdir` for a bad cwd, `setuid`/`setgid`, `pipe`, `pidfd_open`.
    public let syscall: String
    /// The path the failing step used: the program, or the cwd for `chdir`.
    public let path: String
    public let spawnargs: [String]

    /// Node's `error.code`: `ENOENT`, `EACCES`, …
    public var code: String { errno.code }

    public var description: String {
        let detail = syscall.hasPrefix("spawn") ? "" : " '\(path)'"
        return "\(syscall)\(detail) \(code) (\(errno.description))"
    }
}
