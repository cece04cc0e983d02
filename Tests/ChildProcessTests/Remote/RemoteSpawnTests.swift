import ChildProcess
import Glibc
import Testing
import TestSupport

/// `RemoteShell`'s quoting, checked by the shells that parse it, and `spawnRemote` against the
/// loopback OpenSSH servers of `SSHTestHosts`.
@Suite("remote spawn through OpenSSH")
struct RemoteSpawnTests {
    /// Every byte 1…255 alone, runs of invalid UTF-8, quotes of both kinds, shell syntax.
    static let hardWords: [String] = (1...255).map { String(losslessBytes: [UInt8($0)]) } + [
        "", " ", "'", "''", "'\\''", "\"$HOME\"", "$(id)", "`id`", "; rm -rf /", "a\nb", "-n", "--", "x=y",
        "if", "~", "#", "*", "{a,b}", "\\", "é", String(losslessBytes: [0xC3, 0x28, 0xFF, 0x27, 0x80]),
    ]

    static func randomWords(count: Int, seed: UInt64) -> [String] {
        var generator = SeededGenerator(state: seed)
        return (0..<count).map { _ in
            String(losslessBytes: (0..<Int.random(in: 0...40, using: &generator)).map { _ in UInt8.random(in: 1...255, using: &generator) })
        }
    }

    /// What `printf '%s\0' words…` prints: the words, each ended by NUL.
    static func nulTerminated(_ words: [String]) -> [UInt8] { words.flatMap { $0.losslessBytes + [0] } }

    @Test("a quoted command line gives dash and bash back exactly the words", arguments: ["dash", "bash"])
    func quotingRoundTripsThroughShells(shell: String) async throws {
        let words = Self.hardWords + Self.randomWords(count: 200, seed: 15)
        let line = RemoteShell.commandLine(["printf", "%s\\0"] + words)
        let output = try await ChildProcess.execFile(shell, ["-c", line])
        #expect(output.stdoutBytes == Self.nulTerminated(words))
    }

    @Test("environment entries reach the remote command through env, quoted")
    func environmentLine() async throws {
        let value = "a 'b' $c\n" + String(losslessBytes: [0xFF])
        let line = RemoteShell.commandLine(["sh", "-c", "printf %s \"$V\""], environment: ["V": value])
        #expect(line.hasPrefix("env "))
        let output = try await ChildProcess.execFile("dash", ["-c", line])
        #expect(output.stdoutBytes == value.losslessBytes)
    }

    @Test("plain words stay bare, so a plan reads as typed; only a command name is quoted for `=` or a reserved word")
    func bareWords() {
        #expect(RemoteShell.commandLine(["tail", "-n", "100", "/var/log/syslog"]) == "tail -n 100 /var/log/syslog")
        #expect(RemoteShell.quote("it's") == #"'it'\''s'"#)
        #expect(RemoteShell.quote("") == "''")
        #expect(RemoteShell.quote("a=b") == "'a=b'")
        // Only a command name can be read as an assignment or a reserved word.
        #expect(RemoteShell.commandLine(["a=b", "a=b", "if", "é", "^", ""]) == "'a=b' a=b if é '^' ''")
        #expect(RemoteShell.commandLine(["if", "x"], environment: ["V": "1"]) == "env -- V=1 if x")
    }

    @Test("CPL_SSH_COMMAND splits at blanks; BatchMode follows the user's words")
    func sshCommand() {
        let ssh = SSHCommand.fromEnvironment(["CPL_SSH_COMMAND": "ssh -F /etc/cfg  -v"])
        #expect(ssh.words == ["ssh", "-F", "/etc/cfg", "-v"])
        #expect(ssh.arguments(host: "web1", remoteCommand: "true") == ["ssh", "-F", "/etc/cfg", "-v", "-o", "BatchMode=yes", "--", "web1", "true"])
        #expect(SSHCommand.fromEnvironment([:]).words == ["ssh"])
    }

    @Test("a host that ssh would read as an option is refused before anything runs")
    func optionLikeHost() {
        #expect(throws: SpawnError.self) { try ChildProcess.spawnRemote(on: "-oProxyCommand=x", "true") }
    }

    @Test("spawnRemote: random byte strings and environment round-trip through sshd; the status is the remote command's")
    func roundTripThroughSSH() async throws {
        let hosts = try #require(SSHTestHosts.shared, "\(SSHTestHosts.started)")
        let ssh = SSHCommand(commandLine: hosts.sshCommand)
        let words = Self.hardWords.filter { !$0.isEmpty } + Self.randomWords(count: 100, seed: 16)
        let child = try ChildProcess.spawnRemote(on: "h1", "printf", ["%s\\0"] + words, ssh: ssh)
        child.stdin?.end()
        async let output = child.stdout!.bytes()
        async let errors = child.stderr!.text()
        let status = try await child.waitForClose()
        #expect(try await output == Self.nulTerminated(words))
        #expect(try await errors == "")
        #expect(status.code == 0)

        let failing = try ChildProcess.spawnRemote(
            on: "h2", "sh", ["-c", "echo \"$CPL_TEST_HOST $GREETING\"; exit 7"], environment: ["GREETING": "hi there"],
            options: SpawnOptions(stdio: [.ignore, .pipe, .inherit]), ssh: ssh)
        async let greeting = failing.stdout!.text()
        #expect(try await failing.waitForClose().code == 7)
        #expect(try await greeting == "h2 hi there\n")
    }

    @Test("stdin streams to the remote command and back")
    func stdinStreams() async throws {
        let hosts = try #require(SSHTestHosts.shared, "\(SSHTestHosts.started)")
        let child = try ChildProcess.spawnRemote(on: "h3", "wc", ["-c"], ssh: SSHCommand(commandLine: hosts.sshCommand))
        async let output = child.stdout!.text()
        try await child.stdin!.write([UInt8](repeating: 0xFF, count: 100_000))
        child.stdin!.end()
        try await child.waitForClose()
        #expect(try await output.trimmingSpaces == "100000")
    }

    @Test("ssh's own failures are 255 with its reason, and never prompt", arguments: [
        ("denied", "Permission denied"), ("stranger", "Host key verification failed"), ("closed", "Connection refused"),
    ])
    func sshFailures(host: String, reason: String) async throws {
        let hosts = try #require(SSHTestHosts.shared, "\(SSHTestHosts.started)")
        let child = try ChildProcess.spawnRemote(
            on: host, "true", options: SpawnOptions(stdio: [.ignore, .ignore, .pipe]), ssh: SSHCommand(commandLine: hosts.sshCommand))
        async let errors = child.stderr!.text()
        #expect(try await child.waitForClose().code == 255)
        #expect(try await errors.contains(reason))
    }

    @Test("killing the ssh process ends the remote command: no sleep is left on the server")
    func killEndsRemoteCommand() async throws {
        let hosts = try #require(SSHTestHosts.shared, "\(SSHTestHosts.started)")
        let marker = "\(getpid())\(Int.random(in: 1000...9999))"
        let child = try ChildProcess.spawnRemote(
            on: "h1", "sleep", [marker], options: SpawnOptions(stdio: [.pipe, .ignore, .ignore]), ssh: SSHCommand(commandLine: hosts.sshCommand))
        #expect(await eventually { !processes(running: ["sleep", marker]).isEmpty })
        child.kill()
        _ = try? await child.waitForExit()
        #expect(await eventually { processes(running: ["sleep", marker]).isEmpty })
    }
}
