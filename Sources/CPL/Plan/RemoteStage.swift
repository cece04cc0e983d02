import ChildProcess

/// A simple command placed on other hosts (`@web1 cmd`, `@{a,b} cmd`): the ssh invocations that
/// run it, one per host, all planned before anything runs so that `--plan` shows them exactly.
public struct RemoteStage: Sendable, Equatable {
    public struct Invocation: Sendable, Equatable {
        public var host: String
        /// The local argv: ssh, its options, the host and the quoted remote command line.
        public var arguments: [String]
        /// Where ssh writes its own messages (`-E`), read back to report its failures by host.
        public var logPath: String
    }

    public var invocations: [Invocation]
    /// The remote program and its arguments, as expanded here.
    public var command: [String]
    /// Several hosts at once: each output line is prefixed with its host.
    public var isFanOut: Bool { invocations.count > 1 }
    /// How many hosts of a fan-out run at once (`CPL_SSH_PARALLEL`).
    public var parallelism: Int

    /// Names the shell variables read to plan a remote stage.
    public static let parallelismVariable = "CPL_SSH_PARALLEL"
    /// `set -o sshcommand=COMMAND` (and `cpl -o sshcommand=COMMAND`): another spelling of
    /// `CPL_SSH_COMMAND=COMMAND`, the way `git -c core.sshCommand=…` is of `GIT_SSH_COMMAND`.
    public static let sshCommandOption = "sshcommand"

    /// The operand of `-o`/`+o` read as that option: nil for another option's name, else its
    /// value (`sshcommand=COMMAND`), nil inside when there is none (`sshcommand`).
    public static func sshCommandSetting(_ operand: String) -> String?? {
        guard operand.hasPrefix(sshCommandOption) else { return nil }
        let rest = operand.dropFirst(sshCommandOption.count)
        if rest.isEmpty { return .some(nil) }
        return rest.first == "=" ? .some(String(rest.dropFirst())) : nil
    }
    static let defaultParallelism = 16
}

extension Planner {
    /// Plans `simple` placed on the hosts of `placement`: the hosts and words are expanded here,
    /// the assignments become the remote command's environment (none is set locally), and the
    /// ssh command comes from `CPL_SSH_COMMAND` (a shell variable or the environment, or `set -o sshcommand=…`).
    mutating func planRemote(
        _ simple: SimpleCommand, hosts hostWords: [Word], command words: [Word]
    ) async throws(ExpansionError) -> PlannedStage {
        var hosts: [String] = []
        // A host name holds no blank or comma: a variable may list several (`HOSTS='web1 web2'`,
        // `web1,web2`), although cpl splits no other expansion.
        for word in hostWords {
            for field in try await expander.fields(word) {
                hosts += field.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "," }).map(String.init)
            }
        }
        let command = try await expander.fields(words)
        var environment: [String: String] = [:]
        for assignment in simple.assignments { environment[assignment.name] = try await expander.string(assignment.value) }
        let descriptors = try await plan(simple.redirections)

        var ssh = SSHCommand(commandLine: context.variable(SSHCommand.environmentVariable) ?? "")
        ssh.controlPath = connections.controlPath
        var invocations: [RemoteStage.Invocation] = []
        for host in hosts {
            connections.using(host, with: ssh)
            let remote = RemoteCommand(host: host, arguments: command, environment: environment)
            if let problem = remote.problem {
                throw ExpansionError(kind: .remoteHost, message: problem, range: simple.range)
            }
            let log = connections.nextLogPath()
            var arguments = remote.sshArguments(ssh)
            arguments.insert(contentsOf: ["-E", log], at: ssh.words.count)
            invocations.append(RemoteStage.Invocation(host: host, arguments: arguments, logPath: log))
        }
        if invocations.isEmpty {
            throw ExpansionError(kind: .remoteHost, message: "no host to run on: the @ words expanded to nothing", range: simple.range)
        }
        let parallelism = context.variable(RemoteStage.parallelismVariable).flatMap { Int($0) }.map { max(1, $0) }
        let stage = RemoteStage(invocations: invocations, command: command, parallelism: parallelism ?? RemoteStage.defaultParallelism)
        return PlannedStage(action: .remote(stage), descriptors: descriptors, range: simple.range)
    }
}

extension RemoteStage {
    var planHeader: String {
        let hosts = invocations.map(\.host).joined(separator: ",")
        let placement = isFanOut ? "on {\(hosts)} (at most \(parallelism) at once, lines prefixed by host)" : "on \(hosts)"
        return "remote " + placement + ": " + RemoteShell.commandLine(command)
    }

    /// The exact ssh command line of each host.
    func planLines(indent: String) -> String {
        invocations.map { "\(indent)ssh: " + $0.arguments.map { RemoteShell.quote(argument: $0) }.joined(separator: " ") + "\n" }.joined()
    }
}
