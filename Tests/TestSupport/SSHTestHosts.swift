import Glibc

/// Real OpenSSH servers on loopback ports, for the tests of remote stages: one `sshd` per host,
/// named `h1`, `h2`, `h3` in a test ssh_config, started by `loopback-sshd.sh` (beside this file;
/// the remote-stage benchmark starts its server with it too). Nothing outside this machine is reached.
///
/// Extra names in the config reach the same servers in ways that must fail: `denied` offers a key
/// the servers do not accept, `stranger` finds no known host key, `closed` a port nobody listens on.
/// Each server sets `CPL_TEST_HOST` to its name in the remote environment, so a command can tell
/// the hosts apart although they are one machine.
///
/// Started once per test process (`shared`); the servers stop once this process has exited,
/// however it ends.
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

    /// The command that reaches the test hosts, as `CPL_SSH_COMMAND` takes it.
    public var sshCommand: String { "ssh -F \(configPath)" }

    private init(directory: String) {
        self.directory = directory
        self.configPath = "\(directory)/ssh_config"
    }

    private static func start() -> Result<SSHTestHosts, Unavailable> {
        guard access("/usr/sbin/sshd", X_OK) == 0 else {
            return .failure(Unavailable(description: "/usr/sbin/sshd is missing (apt-get install openssh-server)"))
        }
        let script = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/") + "/loopback-sshd.sh"
        let directory = makeTemporaryDirectory()
        guard let pid = spawn([script, directory, String(getpid())] + names, stderr: "\(directory)/start.log") else {
            return .failure(Unavailable(description: "cannot run \(script)"))
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        guard status == 0 else {
            return .failure(Unavailable(description: "\(script) failed: \(readFileText("\(directory)/start.log") ?? "")"))
        }
        return .success(SSHTestHosts(directory: directory))
    }

    private static func spawn(_ argv: [String], stderr: String) -> Int32? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        return posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ) == 0 ? pid : nil
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
