import ChildProcess
import Glibc
import Synchronization

/// The ssh connections of one `Interpreter` (its `Session`): one OpenSSH ControlMaster per host,
/// so that a hundred commands on a host cost a hundred channel opens, not a hundred handshakes.
///
/// The sockets live in a private directory (mkdtemp makes it 0700) created on first use. After a
/// cancelled run each master is asked to stop (`ssh -O stop`: it exits once its open sessions
/// end, at once when none is) and the directory is removed; a later remote stage starts afresh.
/// Each interpreter has its own, so that cancelling one run leaves another interpreter's
/// connections alone. At exit, before cpl dies of HUP, INT or TERM (which a remote stage has it
/// catch for this, see `SignalTraps.catchFatalSignalsForCleanup`) and before `exec`, every
/// interpreter's are stopped (`stopEverywhere`). A master left behind by a process killed outright
/// (SIGKILL) stops itself once idle for ControlPersist; its empty directory stays.
final class RemoteConnections: Sendable {
    /// Those of a planner that belongs to no interpreter.
    static let shared = RemoteConnections()

    /// The connections with a directory, for `stopEverywhere`.
    private static let live = Mutex<[ObjectIdentifier: RemoteConnections]>([:])
    private static let stopsAtExit: Void = { atexit { RemoteConnections.stopEverywhere() } }()

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

    /// Remembers that `host` is reached with `ssh`, so that its master is stopped.
    func using(_ host: String, with ssh: SSHCommand) {
        guard let stop = ssh.stopMasterArguments(host: host) else { return }
        state.withLock { $0.stopArguments[host] = stop }
    }

    private var directory: String? {
        let (directory, made) = state.withLock { state -> (String?, Bool) in
            if state.directory != nil { return (state.directory, false) }
            var template = Array("/tmp/cpl-ssh-XXXXXX".utf8CString)
            guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { return (nil, false) }
            state.directory = String(cString: made)
            return (state.directory, true)
        }
        if made {
            Self.stopsAtExit
            Self.live.withLock { $0[ObjectIdentifier(self)] = self }
        }
        return directory
    }

    /// Every interpreter's connections stopped: this process exits, dies or is replaced.
    static func stopEverywhere() {
        for connections in live.withLock({ $0.values }) { connections.stopAll() }
    }

    /// Stops the masters that came up and removes the directory; a later remote command makes a new one.
    ///
    /// A remote stage of a background job being started meanwhile may find its log's directory gone
    /// (ssh fails); one already running keeps its session.
    func stopAll() {
        let (directory, stops) = state.withLock { state in
            defer { (state.directory, state.stopArguments) = (nil, [:]) }
            return (state.directory, state.stopArguments)
        }
        Self.live.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(self)) }
        guard let directory else { return }
        let names = Self.entries(of: directory)
        // No socket means no master came up (a `--plan`, or every command failed to connect).
        if names.contains(where: { !$0.hasSuffix(".log") }) {
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
