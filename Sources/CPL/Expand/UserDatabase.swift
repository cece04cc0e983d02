import ChildProcess
import Glibc

/// One line of `/etc/passwd`.
public struct UserAccount: Sendable, Equatable {
    public var name: String
    public var userID: UInt32
    public var homeDirectory: String
}

/// Users looked up in `/etc/passwd` itself, not through `getpwnam`.
///
/// The release `cpl` is a static executable, and glibc's `getpwnam`/`getpwuid`
/// load NSS modules at run time: in a static binary that crashes (SIGSEGV)
/// or finds nothing. Reading the file gives the same answer for local users
/// in every build (users known only to LDAP, systemd-homed… are not found;
/// `~name` then stays as written, as for an unknown user).
public enum UserDatabase {
    public static let defaultPath = "/etc/passwd"

    /// The first account called `name` (as `getpwnam`).
    public static func account(named name: String, in path: String = defaultPath) -> UserAccount? {
        accounts(in: path).first { $0.name == name }
    }

    /// The first account with `userID` (as `getpwuid`).
    public static func account(userID: UInt32, in path: String = defaultPath) -> UserAccount? {
        accounts(in: path).first { $0.userID == userID }
    }

    static func accounts(in path: String) -> [UserAccount] {
        guard let file = try? FileDescriptor.open(path, O_RDONLY) else { return [] }
        // Read only: its close has nothing to report.
        defer { try? file.close() }
        return accounts(parsing: file.readToEnd())
    }

    /// `name:password:uid:gid:gecos:directory:shell` lines; lines that do not
    /// have that form (comments, NIS `+`/`-` entries, blank lines) are skipped.
    /// Fields are bytes, decoded losslessly.
    static func accounts(parsing contents: [UInt8]) -> [UserAccount] {
        contents.split(separator: UInt8(ascii: "\n")).compactMap { line in
            let fields = line.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
            guard fields.count == 7, let first = fields[0].first,
                first != UInt8(ascii: "#"), first != UInt8(ascii: "+"), first != UInt8(ascii: "-"),
                let userID = UInt32(String(losslessBytes: fields[2]))
            else { return nil }
            return UserAccount(
                name: String(losslessBytes: fields[0]), userID: userID,
                homeDirectory: String(losslessBytes: fields[5]))
        }
    }
}
