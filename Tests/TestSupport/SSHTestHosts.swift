import Glibc

/// Real OpenSSH servers on loopback ports, for the tests of remote stages: one `sshd` per host,
/// each with a host key of its own, all accepting one generated user key, named `h1`, `h2`, `h3`
/// in a test ssh_config. Nothing outside this machine is reached.
///
/// Extra names in the config reach the same servers in ways that must fail: `denied` offers a key
/// the servers do not accept, `stranger` finds no known host key, `closed` a port nobody listens on.
/// Each server sets `CPL_TEST_HOST` to its name in the remote environment, so a command can tell
/// the hosts apart although they are one machine.
///
/// Started once per test process (`shared`). Each `sshd` runs under a small watchdog shell that
/// reads a pipe whose only writer is this process: however this process ends, the pipe closes and
/// the watchdog stops its `sshd`.
public final class SSHTestHosts: Sendable {
    public static let names = ["h1", "h2", "h3"]

    /// The servers, or why they could not start (`sshd` or `ssh-keygen` missing, a server failing).
    public static let started: Result<SSHTestHosts, Unavailable> = start()
    public static var shared: SSHTestHosts? { try? started.get() }

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    public let directory: String
    /// The ssh_config naming the hosts; `ssh -F configPath h1 …` reaches the first server.
    public let configPath: String
    public let ports: [String: UInt16]
    /// The watchdogs of the servers, by host name.
    public let watchdogs: [String: Int32]

    /// The command that reaches the test hosts, as `CPL_SSH_COMMAND` takes it.
    public var sshCommand: String { "ssh -F \(configPath)" }

    private init(directory: String, configPath: String, ports: [String: UInt16], watchdogs: [String: Int32]) {
        self.directory = directory
        self.configPath = configPath
        self.ports = ports
        self.watchdogs = watchdogs
    }

    private static func start() -> Result<SSHTestHosts, Unavailable> {
        guard access("/usr/sbin/sshd", X_OK) == 0 else {
            return .failure(Unavailable(description: "/usr/sbin/sshd is missing (apt-get install openssh-server)"))
        }
        let directory = makeTemporaryDirectory()
        chmod(directory, 0o700)
        // sshd refuses to start as root without its privilege-separation directory.
        if getuid() == 0 { mkdir("/run/sshd", 0o755) }
        for key in ["user", "denied"] + names {
            guard runQuietly(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", key, "-f", "\(directory)/\(key)_key"]) else {
                return .failure(Unavailable(description: "ssh-keygen failed"))
            }
        }
        createFile("\(directory)/authorized_keys", readFileText("\(directory)/user_key.pub") ?? "", mode: 0o600)
        var knownHosts = ""
        for name in names {
            let fields = (readFileText("\(directory)/\(name)_key.pub") ?? "").split(separator: " ")
            knownHosts += "\(name) \(fields.prefix(2).joined(separator: " "))\n"
        }
        createFile("\(directory)/known_hosts", knownHosts)
        createFile("\(directory)/empty_known_hosts")

        let writer = watchdogPipe()
        var ports: [String: UInt16] = [:]
        var watchdogs: [String: Int32] = [:]
        for name in names {
            // A port taken between choosing and binding makes that sshd exit: choose again.
            for _ in 0..<5 {
                let port = freeLoopbackPort()
                let config = "\(directory)/\(name)_sshd_config"
                createFile(config, serverConfig(name: name, port: port, directory: directory))
                guard let watchdog = startWatchdog(config: config, log: "\(directory)/\(name).log", readEnd: writer.readEnd) else { continue }
                if waitForBanner(port: port, while: watchdog, log: "\(directory)/\(name).log") {
                    ports[name] = port
                    watchdogs[name] = watchdog
                    break
                }
            }
            if ports[name] == nil {
                return .failure(Unavailable(description: "sshd for \(name) did not start: \(readFileText("\(directory)/\(name).log") ?? "")"))
            }
        }
        close(writer.readEnd)
        createFile("\(directory)/ssh_config", clientConfig(ports: ports, directory: directory))
        return .success(SSHTestHosts(directory: directory, configPath: "\(directory)/ssh_config", ports: ports, watchdogs: watchdogs))
    }

    private static func serverConfig(name: String, port: UInt16, directory: String) -> String {
        """
        ListenAddress 127.0.0.1:\(port)
        HostKey \(directory)/\(name)_key
        PidFile \(directory)/\(name).pid
        AuthorizedKeysFile \(directory)/authorized_keys
        UsePAM no
        StrictModes no
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        PermitRootLogin prohibit-password
        SetEnv CPL_TEST_HOST=\(name)
        LogLevel INFO

        """
    }

    private static func clientConfig(ports: [String: UInt16], directory: String) -> String {
        func entry(_ alias: String, port: UInt16, key: String = "user", knownHosts: String = "known_hosts", keyAlias: String) -> String {
            """
            Host \(alias)
                HostName 127.0.0.1
                Port \(port)
                IdentityFile \(directory)/\(key)_key
                IdentitiesOnly yes
                UserKnownHostsFile \(directory)/\(knownHosts)
                GlobalKnownHostsFile /dev/null
                HostKeyAlias \(keyAlias)
                CheckHostIP no
                BatchMode yes
                ConnectTimeout 30

            """
        }
        let first = ports["h1"]!
        return names.map { entry($0, port: ports[$0]!, keyAlias: $0) }.joined()
            + entry("denied", port: first, key: "denied", keyAlias: "h1")
            + entry("stranger", port: first, knownHosts: "empty_known_hosts", keyAlias: "stranger")
            + entry("closed", port: freeLoopbackPort(), keyAlias: "closed")
    }

    /// The socket pair whose end, at this process's exit, stops the servers. The write end is kept open
    /// (never closed: its closing is the signal), close-on-exec so that no other child holds it.
    private static func watchdogPipe() -> (readEnd: Int32, writeEnd: Int32) {
        var ends: [Int32] = [0, 0]
        socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends)
        return (ends[0], ends[1])
    }

    private static func startWatchdog(config: String, log: String, readEnd: Int32) -> Int32? {
        let script = #"exec 3<&0 </dev/null; /usr/sbin/sshd -D -e -f "$1" 2>>"$2" & p=$!; read _ <&3; kill $p"#
        return spawn(["/bin/sh", "-c", script, "sshd-watchdog", config, log], stdin: readEnd)
    }

    /// Whether the server answers with its SSH banner before its watchdog's sshd gives up.
    private static func waitForBanner(port: UInt16, while watchdog: Int32, log: String) -> Bool {
        let deadline = now() + hangGuardSeconds
        while now() < deadline {
            if let banner = readBanner(port: port) { return banner.hasPrefix("SSH-2.0-") }
            // A failed sshd leaves its watchdog reading the pipe: the log says it exited.
            if (readFileText(log) ?? "").contains("Cannot bind") { return false }
            var status: Int32 = 0
            if waitpid(watchdog, &status, WNOHANG) == watchdog { return false }
            var pause = timespec(tv_sec: 0, tv_nsec: 10_000_000)
            nanosleep(&pause, nil)
        }
        return false
    }

    private static func readBanner(port: UInt16) -> String? {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(socket) }
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(socket, &buffer, buffer.count)
        return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
    }

    private static func freeLoopbackPort() -> UInt16 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(socket) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                _ = bind(socket, $0, length)
                _ = getsockname(socket, $0, &length)
            }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    private static func runQuietly(_ argv: [String]) -> Bool {
        guard let pid = spawn(argv, stdin: nil) else { return false }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return status == 0
    }

    private static func spawn(_ argv: [String], stdin: Int32?) -> Int32? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdin { posix_spawn_file_actions_adddup2(&actions, stdin, 0) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        return posix_spawnp(&pid, argv[0], &actions, nil, cArguments, environ) == 0 ? pid : nil
    }
}

/// The pids of the processes whose argv is exactly `argv` (from /proc/PID/cmdline): a remote
/// command of the test servers is a process of this machine.
public func processes(running argv: [String]) -> [Int32] {
    let wanted: [UInt8] = argv.flatMap { Array($0.utf8) + [UInt8(0)] }
    return processes(whoseCommandLine: { $0 == wanted })
}

/// The pids of the processes (other than this one) whose argv holds `text` (an ssh client's, by
/// the remote command or ControlPath in it; a master's, which it rewrites to its ControlPath).
public func processes(mentioning text: String) -> [Int32] {
    let wanted = Array(text.utf8)
    return processes(whoseCommandLine: { commandLine in
        commandLine.count >= wanted.count && (0...(commandLine.count - wanted.count)).contains { commandLine[$0..<$0 + wanted.count].elementsEqual(wanted) }
    }).filter { $0 != getpid() }
}

private func processes(whoseCommandLine matches: ([UInt8]) -> Bool) -> [Int32] {
    guard let directory = opendir("/proc") else { return [] }
    defer { closedir(directory) }
    var found: [Int32] = []
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if let pid = Int32(name), let commandLine = readFileBytes("/proc/\(pid)/cmdline"), matches(commandLine) { found.append(pid) }
    }
    return found
}
