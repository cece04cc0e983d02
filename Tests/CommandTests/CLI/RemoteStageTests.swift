import ChildProcess
import Glibc
import Testing

/// `@host cmd` in the cpl executable, against the loopback OpenSSH servers of `SSHTestHosts`
/// (`h1`, `h2`, `h3`; `denied`, `stranger`, `closed` fail). Serialized: the ControlMaster test
/// counts connections.
@Suite("remote stages through OpenSSH", .serialized)
struct RemoteStageTests {
    /// `DIRECTORY/record`: runs its arguments (an ssh command line) after appending them to
    /// `DIRECTORY/arguments`, one a line, so a test sees the ControlPath and options ssh was given.
    static func createArgumentRecorder(in directory: String) {
        createFile("\(directory)/record", "#!/bin/sh\nprintf '%s\\n' \"$@\" >> \"${0%/*}/arguments\"\nexec \"$@\"\n", mode: 0o755)
    }

    static func environment(_ hosts: SSHTestHosts, in directory: String) -> [String: String] {
        ["PATH": "/usr/bin:/bin", "HOME": directory, "LC_ALL": "C", "CPL_SSH_COMMAND": hosts.sshCommand]
    }

    func run(_ script: String, arguments: [String] = [], stdin: String = "") async throws -> CLIResult {
        let hosts = try #require(SSHTestHosts.shared, "\(SSHTestHosts.started)")
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        return await runCPL(["-c", script, "cpl"] + arguments, stdin: stdin, in: directory, environment: Self.environment(hosts, in: directory))
    }

    @Test("a remote stage in the middle of a local pipeline; prefix assignments reach the remote command")
    func midPipeline() async throws {
        let result = try await run(#"printf 'a\nb\nc\n' | GREETING='hi there' @h1 sh -c 'grep b; echo "$GREETING $CPL_TEST_HOST"' | tr a-z A-Z"#)
        #expect(result.stdout == "B\nHI THERE H1\n")
        #expect(result.stderr == "")
        #expect(result.status == 0)
    }

    @Test("remote to remote through local pipes; redirections apply locally; the host may come from a variable")
    func remoteToRemote() async throws {
        let result = try await run(#"HOST=h2; @h1 head -c 300000 /dev/zero | @$HOST wc -c > count; cat count; @h3 sh -c 'exit 7'; echo "status $?""#)
        #expect(result.stdout.split(separator: "\n").map { String($0).trimmingSpaces } == ["300000", "status 7"])
    }

    @Test("fan-out: every host at once, lines prefixed, one failing host named in the summary and the status")
    func fanOutWithOneFailure() async throws {
        let result = try await run(#"@{h1,h2,h3} sh -c 'echo "out $CPL_TEST_HOST"; echo "err $CPL_TEST_HOST" >&2; test "$CPL_TEST_HOST" != h2'"#)
        #expect(result.stdout.split(separator: "\n").sorted() == ["h1: out h1", "h2: out h2", "h3: out h3"])
        let errors = result.stderr.split(separator: "\n").map(String.init)
        #expect(errors.filter { !$0.hasPrefix("cpl:") }.sorted() == ["h1: err h1", "h2: err h2", "h3: err h3"])
        #expect(errors.contains("cpl: -c:1:1: 1 of 3 hosts failed: h2 (status 1)"))
        #expect(result.status == 1)

        let fromVariable = try await run(#"HOSTS='h1 h3'; @$HOSTS echo up"#)
        #expect(fromVariable.stdout.split(separator: "\n").sorted() == ["h1: up", "h3: up"])
        #expect(fromVariable.status == 0)
    }

    @Test("ssh's own failure: 255 and a message naming the host and ssh's reason, without prompting", arguments: [
        ("denied", "Permission denied"), ("stranger", "Host key verification failed"), ("closed", "Connection refused"),
    ])
    func sshFailure(host: String, reason: String) async throws {
        let result = try await run("@\(host) true")
        #expect(result.status == 255)
        #expect(result.stderr.hasPrefix("cpl: -c:1:1: \(host): ssh failed (status 255): "))
        #expect(result.stderr.contains(reason))
    }

    @Test("random byte strings round-trip through @h printf '%s\\0'")
    func bytesRoundTrip() async throws {
        var generator = SeededGenerator(state: 1515)
        let words = (1...255).map { String(losslessBytes: [UInt8($0)]) } + (0..<100).map { _ in
            String(losslessBytes: (0..<Int.random(in: 1...30, using: &generator)).map { _ in UInt8.random(in: 1...255, using: &generator) })
        }
        let result = try await run(#"@h1 printf '%s\0' "$@""#, arguments: words)
        #expect(result.stdout.losslessBytes == words.flatMap { $0.losslessBytes + [0] })
        #expect(result.status == 0)
    }

    @Test("--plan shows the exact ssh command line")
    func plan() async throws {
        let hosts = try #require(SSHTestHosts.shared, "\(SSHTestHosts.started)")
        let result = await runCPL(["--plan", "-c", "X=1 @h1 echo 'a b' > out"], environment: Self.environment(hosts, in: "/tmp"))
        #expect(result.stdout.contains("remote on h1: echo 'a b'"))
        #expect(result.stdout.contains("ssh: ssh -F \(hosts.configPath) -E /tmp/cpl-ssh-"))
        #expect(result.stdout.contains("-o BatchMode=yes -o ControlMaster=auto -o ControlPath=/tmp/cpl-ssh-"))
        #expect(result.stdout.contains(#"; env -- X=1 echo '\''a b'\'' <&3"#))
        #expect(result.stdout.contains("-- h1 'exec 3<&0 </dev/null; "))
        #expect(result.stdout.contains("1> out"))
    }

    @Test("one ControlMaster per host: later commands share its connection, which is gone after exit")
    func connectionReuse() async throws {
        let result = try await run(#"@h1 sh -c 'echo $SSH_CONNECTION'; @h1 sh -c 'echo $SSH_CONNECTION'; @h2 true"#)
        let connections = result.stdout.split(separator: "\n")
        #expect(connections.count == 2)
        #expect(Set(connections).count == 1)
        let clientPort = try #require(connections.first?.split(separator: " ").dropFirst().first.flatMap { UInt16($0) })
        #expect(await eventually { !established(localPort: clientPort) })
    }

    @Test("an interrupt ends a remote command: no sleep is left on the server")
    func interruptEndsRemoteCommand() async throws {
        let hosts = try #require(SSHTestHosts.shared, "\(SSHTestHosts.started)")
        let cpl = try BuiltCPL.required()
        let marker = "\(getpid())\(Int.random(in: 10000...99999))"
        var options = SpawnOptions(environment: Self.environment(hosts, in: "/tmp"), stdio: .all(.ignore))
        options.processGroup = 0
        let child = try ChildProcess.spawn(cpl, ["-c", "@h1 sleep \(marker)"], options: options)
        #expect(await eventually { !processes(running: ["sleep", marker]).isEmpty })
        kill(-child.pid, SIGINT)
        _ = try await child.waitForExit()
        #expect(await eventually { processes(running: ["sleep", marker]).isEmpty })
    }

    /// No EXIT trap: cpl catches the signal only to clean up, then dies of it (atexit handlers
    /// do not run then). The ControlPath directory is read from the ssh client's argv, which
    /// holds the marker; the master renames itself after it (`ssh: DIR/HASH [mux]`).
    @Test("a fatal signal stops the masters and removes the ControlPath directory; cpl still dies of it", arguments: [Signal.interrupt, Signal.terminate])
    func signalDeathCleansUp(_ signal: Signal) async throws {
        let hosts = try #require(SSHTestHosts.shared, "\(SSHTestHosts.started)")
        let cpl = try BuiltCPL.required()
        let marker = "\(getpid())\(Int.random(in: 10000...99999))"
        var options = SpawnOptions(environment: Self.environment(hosts, in: "/tmp"), stdio: .all(.ignore))
        options.processGroup = 0
        let child = try ChildProcess.spawn(cpl, ["-c", "@h1 true; @h1 sleep \(marker)"], options: options)
        #expect(await eventually { !processes(running: ["sleep", marker]).isEmpty })
        let controlPath = try #require(processes(mentioning: marker).lazy.compactMap { commandLine(of: $0).first { $0.hasPrefix("ControlPath=") } }.first)
        let directory = String(controlPath.dropFirst("ControlPath=".count).dropLast("/%C".count))
        #expect(directory.hasPrefix("/tmp/cpl-ssh-"))
        #expect(!processes(mentioning: directory).isEmpty)
        kill(child.pid, signal.rawValue)
        #expect(try await child.waitForExit() == .signaled(signal))
        #expect(access(directory, F_OK) != 0, "\(directory) is left")
        #expect(await eventually { processes(mentioning: directory).isEmpty }, "an ssh of \(directory) is left")
        #expect(await eventually { processes(running: ["sleep", marker]).isEmpty })
    }

    /// The ssh command records its argv (CPL_SSH_COMMAND runs a recorder in front of ssh), which
    /// names the ControlPath directory.
    @Test("exec after a remote stage stops the masters and removes the ControlPath directory first")
    func execCleansUp() async throws {
        let hosts = try #require(SSHTestHosts.shared, "\(SSHTestHosts.started)")
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        Self.createArgumentRecorder(in: directory)
        var environment = Self.environment(hosts, in: directory)
        environment["CPL_SSH_COMMAND"] = "\(directory)/record " + hosts.sshCommand
        let result = await runCPL(["-c", "@h1 echo remote; exec echo replaced"], in: directory, environment: environment)
        #expect(result.stdout == "remote\nreplaced\n")
        let recorded = (readFileText("\(directory)/arguments") ?? "").split(separator: "\n")
        let controlPath = try #require(recorded.first { $0.hasPrefix("ControlPath=") })
        let controlDirectory = String(controlPath.dropFirst("ControlPath=".count).dropLast("/%C".count))
        #expect(access(controlDirectory, F_OK) != 0, "\(controlDirectory) is left")
        #expect(recorded.contains("stop"), "no master was asked to stop")
    }

    /// The hosts exist only in the test config: a remote stage that reaches one used the option.
    @Test("set -o sshcommand=… and cpl -o sshcommand=… are CPL_SSH_COMMAND=…; set -o lists it, set +o restores it")
    func sshCommandOption() async throws {
        let hosts = try #require(SSHTestHosts.shared, "\(SSHTestHosts.started)")
        var environment = Self.environment(hosts, in: "/tmp")
        environment["CPL_SSH_COMMAND"] = nil
        let ssh = hosts.sshCommand
        let set = await runCPL(["-c", """
            set -o sshcommand='\(ssh)'; @h1 sh -c 'echo "$CPL_TEST_HOST"'; echo "[$CPL_SSH_COMMAND]"
            set -o | grep '^sshcommand'; set +o | grep sshcommand; saved=$(set +o)
            set +o sshcommand; echo "${CPL_SSH_COMMAND-unset}"; set -o | grep '^sshcommand'
            eval "$saved"; echo "[$CPL_SSH_COMMAND]"
            """], environment: environment)
        #expect(set.stdout == "h1\n[\(ssh)]\nsshcommand     \(ssh)\nset -o sshcommand='\(ssh)'\nunset\nsshcommand     ssh\n[\(ssh)]\n")
        #expect(set.stderr == "")

        // Not exported unless the variable is: a child cpl sees none; after `export` it does.
        let exported = await runCPL(["-c", """
            set -o sshcommand='\(ssh)'; sh -c 'echo "${CPL_SSH_COMMAND-unset}"'; export CPL_SSH_COMMAND; sh -c 'echo "$CPL_SSH_COMMAND"'
            """], environment: environment)
        #expect(exported.stdout == "unset\n\(ssh)\n")

        let commandLine = await runCPL(["-o", "sshcommand=\(ssh)", "-c", #"@h2 sh -c 'echo "$CPL_TEST_HOST"'"#], environment: environment)
        #expect(commandLine.stdout == "h2\n")
        #expect(commandLine.status == 0)
        environment["CPL_SSH_COMMAND"] = ssh
        let turnedOff = await runCPL(["+o", "sshcommand", "-c", #"echo "${CPL_SSH_COMMAND-unset}""#], environment: environment)
        #expect(turnedOff.stdout == "unset\n")

        let plan = await runCPL(["--plan", "-c", "set -o sshcommand='ssh -F /etc/lab'; @h1 true"], environment: environment)
        #expect(plan.stdout.contains("ssh: ssh -F /etc/lab -E "))

        for (script, message) in [
            ("set -o sshcommand; echo not reached", "set: sshcommand: needs a value (-o sshcommand=COMMAND)"),
            ("set +o sshcommand=ssh; echo not reached", "set: +o sshcommand takes no value"),
            ("readonly CPL_SSH_COMMAND=ssh; set -o sshcommand=x; echo not reached", "set: CPL_SSH_COMMAND: is read only"),
        ] {
            let result = await runCPL(["-c", script], environment: environment)
            #expect(result.stdout == "")
            #expect(result.stderr.hasSuffix(message + "\n"), "\(result.stderr)")
            #expect(result.status == 2)
        }
        let usage = await runCPL(["-o", "sshcommand", "-c", "true"], environment: environment)
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("-o sshcommand needs a value (-o sshcommand=COMMAND)"))
    }

    /// Nothing can run when cpl is killed outright: the master that cpl started outlives it, until
    /// it has been idle for ControlPersist (30 s; 1 s here, the user's `-o` coming first), and its
    /// directory, empty then, stays.
    @Test("SIGKILL: the master ends after ControlPersist; its empty directory stays")
    func killedOutright() async throws {
        let hosts = try #require(SSHTestHosts.shared, "\(SSHTestHosts.started)")
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        Self.createArgumentRecorder(in: directory)
        var environment = Self.environment(hosts, in: directory)
        environment["CPL_SSH_COMMAND"] = "\(directory)/record \(hosts.sshCommand) -o ControlPersist=1"
        let result = await runCPL(["-c", "@h1 true; kill -KILL $$"], in: directory, environment: environment)
        #expect(result.status == 128 + SIGKILL)
        let recorded = (readFileText("\(directory)/arguments") ?? "").split(separator: "\n")
        let controlPath = try #require(recorded.first { $0.hasPrefix("ControlPath=") })
        let controlDirectory = String(controlPath.dropFirst("ControlPath=".count).dropLast("/%C".count))
        defer { removeTree(controlDirectory) }
        #expect(!recorded.contains("stop"))
        #expect(await eventually { processes(mentioning: controlDirectory).isEmpty }, "the master of \(controlDirectory) is left")
        // The master removed its socket as it left: the directory is there, empty.
        #expect(rmdir(controlDirectory) == 0, "\(controlDirectory): \(String(cString: strerror(errno)))")
    }

    @Test("POSIX mode has no @ prefix: `@h1` is a command name, not found (127), as in dash")
    func noPrefixInPOSIXMode() async throws {
        let hosts = try #require(SSHTestHosts.shared, "\(SSHTestHosts.started)")
        for arguments in [["--posix", "-c", "@h1 echo remote"], ["-c", "set -o posix; @h1 echo remote"]] {
            let result = await runCPL(arguments + ["cpl"], environment: Self.environment(hosts, in: "/tmp"))
            #expect(result.stdout == "")
            #expect(result.stderr.hasSuffix("@h1: command not found\n"))
            #expect(result.status == 127)
        }
        let plan = await runCPL(["--plan", "-c", "set -o posix; @h1 echo remote"], environment: Self.environment(hosts, in: "/tmp"))
        #expect(plan.stdout.contains("stage 1: program @h1 echo remote\n"))
        #expect(!plan.stdout.contains("ssh"))
    }
}

/// The argv of process `pid`.
private func commandLine(of pid: Int32) -> [String] {
    (readFileBytes("/proc/\(pid)/cmdline") ?? []).split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
}

/// Whether a TCP connection from local port `port` to 127.0.0.1 is established (/proc/net/tcp).
private func established(localPort port: UInt16) -> Bool {
    let hex = String(port, radix: 16, uppercase: true)
    let local = "0100007F:" + String(repeating: "0", count: 4 - hex.count) + hex
    return (readFileText("/proc/net/tcp") ?? "").split(separator: "\n").contains { line in
        let fields = line.split(separator: " ")
        return fields.count > 3 && fields[1] == local && fields[3] == "01"
    }
}
