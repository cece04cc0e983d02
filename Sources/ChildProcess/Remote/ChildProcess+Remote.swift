import Glibc

/// A command to run on another host through ssh: its program and arguments as execve takes them,
/// and the variables added to its environment there.
public struct RemoteCommand: Sendable, Hashable {
    public var host: String
    /// The program and its arguments; each reaches the remote program as one argument, whatever it holds.
    public var arguments: [String]
    public var environment: [String: String]

    public init(host: String, arguments: [String], environment: [String: String] = [:]) {
        self.host = host
        self.arguments = arguments
        self.environment = environment
    }

    /// The string the remote login shell runs (see `RemoteShell`).
    public var shellCommand: String {
        RemoteShell.endingWithSession(RemoteShell.commandLine(arguments, environment: environment))
    }

    /// The local argv that runs this command through `ssh`.
    public func sshArguments(_ ssh: SSHCommand) -> [String] {
        ssh.arguments(host: host, remoteCommand: shellCommand)
    }

    /// Why this command cannot run, or nil: no program, or a host ssh would read as an option.
    public var problem: String? {
        if host.isEmpty { return "empty host name" }
        if host.hasPrefix("-") { return "host name '\(host)' starts with '-'" }
        if arguments.isEmpty { return "no command for host '\(host)'" }
        return nil
    }
}

extension ChildProcess {
    /// Starts `command` with `arguments` on `host` through ssh, with the same shape as `spawn`:
    /// `options` set up the local ssh process (its stdio are the remote command's, its exit
    /// status is the remote command's, or 255 when ssh itself failed), `environment` is added to
    /// the remote command's environment, and `kill` ends the ssh session, which ends the remote
    /// command. Each argument is quoted for the remote shell, so it arrives as one argument
    /// whatever bytes it holds.
    ///
    /// Throws `SpawnError` with EINVAL for a host ssh would take as an option, and as `spawn`
    /// does when ssh cannot start.
    public static func spawnRemote(
        on host: String, _ command: String, _ arguments: [String] = [], environment: [String: String] = [:],
        options: SpawnOptions = SpawnOptions(), ssh: SSHCommand = .fromEnvironment()
    ) throws(SpawnError) -> ChildProcess {
        let remote = RemoteCommand(host: host, arguments: [command] + arguments, environment: environment)
        let argv = remote.sshArguments(ssh)
        if remote.problem != nil {
            throw SpawnError(errno: Errno(rawValue: EINVAL), syscall: "ssh", path: host, spawnargs: argv)
        }
        return try spawn(argv[0], Array(argv.dropFirst()), options: options)
    }
}
