/// How ssh is invoked for remote commands: the program with its leading arguments, as `GIT_SSH_COMMAND`
/// names it, so that a user's ssh config, agent, jump hosts and keys apply unchanged.
public struct SSHCommand: Sendable, Hashable {
    /// The environment variable that names the ssh command (split at blanks, no shell quoting).
    public static let environmentVariable = "CPL_SSH_COMMAND"

    /// The program and the arguments that come before cpl's own: `["ssh"]`, `["ssh", "-F", "cfg"]`.
    public var words: [String]
    /// Where the connection for each host is shared (OpenSSH's ControlPath, with `%C` and the
    /// like); nil connects afresh each time.
    public var controlPath: String?
    /// How long an idle shared connection stays up (ControlPersist): a master left by a process
    /// that died without stopping it goes away by itself.
    public var controlPersist = "30s"

    public init(words: [String] = ["ssh"], controlPath: String? = nil) {
        precondition(!words.isEmpty, "an ssh command needs a program")
        self.words = words
        self.controlPath = controlPath
    }

    /// `commandLine` split at blanks; a blank one is plain `ssh`.
    public init(commandLine: String) {
        let words = commandLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        self.init(words: words.isEmpty ? ["ssh"] : words)
    }

    /// The command `CPL_SSH_COMMAND` names in `environment` (this process's when nil), else `ssh`.
    public static func fromEnvironment(_ environment: [String: String]? = nil) -> SSHCommand {
        let value = environment.map { $0[environmentVariable] } ?? Environment.value(of: environmentVariable)
        return SSHCommand(commandLine: value ?? "")
    }

    /// The whole argv that runs `remoteCommand` (a command line for the remote shell) on `host`.
    /// BatchMode comes after the user's words, so their own `-o BatchMode=no` wins (ssh keeps the
    /// first value it is given); host keys are checked as the user's config says.
    public func arguments(host: String, remoteCommand: String) -> [String] {
        words + options + ["--", host, remoteCommand]
    }

    /// The argv that asks the shared connection to `host`, if any, to stop (`-O stop`): it takes
    /// no more sessions and exits once those still open end, at once when none is. (`-O exit`
    /// would cut them: another user of the connection, say a command left running in the
    /// background, would lose its session.)
    public func stopMasterArguments(host: String) -> [String]? {
        guard controlPath != nil else { return nil }
        return words + options + ["-O", "stop", "--", host]
    }

    private var options: [String] {
        var options = ["-o", "BatchMode=yes"]
        if let controlPath {
            options += ["-o", "ControlMaster=auto", "-o", "ControlPath=\(controlPath)", "-o", "ControlPersist=\(controlPersist)"]
        }
        return options
    }
}
