import ChildProcess
import Glibc
import Synchronization

/// The ssh connections of one cpl process: one OpenSSH ControlMaster per host, so a hundred
/// commands on a host cost a hundred channel opens, not a hundred handshakes.
///
/// The sockets live in a private directory (mkdtemp makes it 0700) created on first use. At exit,
/// after a cancelled run, and before cpl dies of HUP, INT or TERM (which a remote stage has it
/// catch for this, see `SignalTraps.catchFatalSignalsForCleanup`), each master that came up is
/// asked to stop (`ssh -O stop`: it exits once its open sessions end) and the directory is
/// removed; a later remote stage starts afresh. A master left behind by a process killed outright
/// (SIGKILL) stops itself once idle for ControlPersist; its empty directory stays.
final class RemoteConnections: Sendable {
    static let shared = RemoteConnections()

    private struct State {
        var directory: String?
        var logCount = 0
        /// For each host used, the argv that stops its master.
        var stopArguments: [String: [String]] = [:]
    }
    private let state = Mutex(State())

    /// OpenSSH's ControlPath for every host (`%C`, a hash of host, port and user: short enough for
    /// a socket's path), or nil when no private directory can be made (each command then connects afresh).
    var controlPath: String? { directory.map { "\($0)/%C" } }

    /// A fresh file for one ssh invocation's own messages (`-E`).
    func nextLogPath() -> String {
        let number = state.withLock {
            $0.logCount += 1
            return $0.logCount
        }
        return "\(directory ?? "/tmp")/\(number).log"
    }

    /// Remembers that `host` is reached with `ssh`, so that its master is stopped at exit.
    func using(_ host: String, with ssh: SSHCommand) {
        guard let stop = ssh.stopMasterArguments(host: host) else { return }
        state.withLock { $0.stopArguments[host] = stop }
    }

    private var directory: String? {
        state.withLock { state -> String? in
            if state.directory == nil {
                var template = Array("/tmp/cpl-ssh-XXXXXX".utf8CString)
                guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { return nil }
                state.directory = String(cString: made)
                atexit { RemoteConnections.shared.stopAll() }
            }
            return state.directory
        }
    }

    /// Stops the masters that came up and removes the directory; a later remote command makes a new one.
    func stopAll() {
        let (directory, stops) = state.withLock { state in
            defer { (state.directory, state.stopArguments) = (nil, [:]) }
            return (state.directory, state.stopArguments)
        }
        guard let directory else { return }
        let entries = Self.entries(of: directory)
        // No socket means no master came up (a `--plan`, or every command failed to connect).
        if entries.contains(where: { !$0.hasSuffix(".log") }) {
            var options = ExecOptions()
            options.stdio = .all(.ignore)
            for (_, stop) in stops.sorted(by: { $0.key < $1.key }) {
                _ = try? ChildProcess.spawnSync(stop[0], Array(stop.dropFirst()), options: options)
            }
        }
        for entry in Self.entries(of: directory) { _ = "\(directory)/\(entry)".withLosslessCString { unlink($0) } }
        rmdir(directory)
    }

    private static func entries(of directory: String) -> [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(losslessBytes: $0.prefix { $0 != 0 }) }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }
}
