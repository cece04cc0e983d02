// What `bench drive` measures: the fourteen benchmarks, their contenders, sizes and targets.
import Glibc

struct Plan {
    let options: DriverOptions

    var quick: Bool { options.quick }
    var bench: String { options.bench + "/bench" }
    var foundation: String { options.bench + "/bench-foundation" }
    var subprocess: String { options.bench + "/bench-subprocess" }
    var cbench: String { options.cbench }
    var cpl: String { options.cpl }

    // Sizes: full / --quick.
    var spawns: Int { quick ? 100 : 1000 }
    var waitUntilExitSpawns: Int { quick ? 3 : 20 }
    var captureBytes: Int { quick ? 64 << 20 : 1 << 30 }
    var relayBytes: Int { quick ? 64 << 20 : 1 << 30 }
    var pipelineSize: (text: String, bytes: Int) { quick ? ("256M", 256 << 20) : ("4G", 4 << 30) }
    var startups: Int { quick ? 20 : 200 }
    var script: (lines: Int, pipelines: Int) { quick ? (200, 20) : (2000, 200) }
    var roundTrips: Int { quick ? 1000 : 10000 }
    var bulkMessages: Int { quick ? 20 : 200 }
    var loopIterations: Int { quick ? 10000 : 100_000 }
    var fibonacciArgument: Int { quick ? 12 : 18 }
    var caseRounds: Int { quick ? 25 : 250 }
    var readLines: Int { quick ? 5000 : 50_000 }
    var parseLines: Int { quick ? 5000 : 50_000 }
    var remoteCommands: Int { quick ? 10 : 100 }

    func benchmarks() -> [Benchmark] {
        [spawnBenchmark(), captureBenchmark(), relayBenchmark(), pipelineBenchmark(), startupBenchmark(),
         scriptBenchmark(), ipcRoundTripBenchmark(), ipcBulkBenchmark(), loopBenchmark(), functionBenchmark(),
         caseBenchmark(), readBenchmark(), parseBenchmark(), remoteBenchmark(), configureBenchmark()]
    }

    // MARK: Peers that may be missing

    private func needs(_ program: String, _ contender: Contender) -> Contender {
        var contender = contender
        if contender.unavailable == nil && !Launcher.which(program) { contender.unavailable = "\(program) not found" }
        return contender
    }

    /// nil when `cpl -c` runs a command; else why not.
    private var cplProblem: String? {
        if let problem = options.cplProblem { return problem }
        if access(cpl, X_OK) != 0 { return "\(cpl) not built" }
        let probe = Launcher.run([cpl, "-c", "echo ok"], timeout: 10)
        if probe.succeeded && probe.stdout == "ok\n" { return nil }
        let said = (probe.stdout + probe.stderr).split(separator: "\n").first.map(String.init) ?? ""
        return "`cpl -c 'echo ok'` does not print ok yet (\(probe.succeeded ? "printed \"\(said)\"" : probe.failure))"
    }

    // MARK: 1. Spawn + wait

    func spawnBenchmark() -> Benchmark {
        let n = String(spawns)
        let contenders: [Contender] = [
            Contender(name: "C posix_spawn + waitpid (gcc -O2)", argv: [cbench, "spawn", n]),
            Contender(name: "ChildProcess.spawn + waitForExit", argv: [bench, "spawn-async", n],
                      target: Target(ratio: 1.05), own: true),
            Contender(name: "ChildProcess.spawnSync", argv: [bench, "spawn-sync", n], target: Target(ratio: 1.0), own: true),
            Contender(name: "Foundation Process + terminationHandler", argv: [foundation, "spawn-handler", n]),
            Contender(name: "Foundation Process + waitUntilExit", argv: [foundation, "spawn-wait", String(waitUntilExitSpawns)],
                      note: "\(waitUntilExitSpawns) spawns only"),
            Contender(name: "swift-subprocess run", argv: [subprocess, "spawn", n]),
            needs("node", Contender(name: "Node spawnSync", argv: ["node", "Benchmarks/peers/spawn.js", "sync", n])),
            needs("node", Contender(name: "Node spawn + 'exit'", argv: ["node", "Benchmarks/peers/spawn.js", "async", n])),
            needs("python3", Contender(name: "Python subprocess.run", argv: ["python3", "Benchmarks/peers/bench.py", "spawn", n])),
        ]
        return Benchmark(
            number: "1", title: "spawn + wait `/bin/true`", metric: .time(unit: "ms/spawn", scale: 1e3), reference: 0,
            contenders: contenders,
            notes: ["\(n) spawns of `/bin/true` in sequence per measurement (after \(min(50, max(1, spawns / 10))) untimed), "
                + "stdio inherited everywhere. Foundation's waitUntilExit polls a run loop (~50 ms per spawn), "
                + "so it does \(waitUntilExitSpawns) spawns only."])
    }

    // MARK: 2. Capture

    func captureBenchmark() -> Benchmark {
        let bytes = captureBytes
        let b = String(bytes)
        let contenders: [Contender] = [
            Contender(name: "C read loop into realloc'd buffer (gcc -O2)", argv: [cbench, "capture", b]),
            Contender(name: "ChildProcess.execFile (maxBuffer = size)", argv: [bench, "capture", b],
                      target: Target(ratio: 1.0, peakRSSOverOutput: 1.05), own: true),
            Contender(name: "Foundation Pipe readDataToEndOfFile", argv: [foundation, "capture", b]),
            Contender(name: "swift-subprocess output: .bytes(limit:)", argv: [subprocess, "capture", b]),
            needs("node", Contender(name: "Node execFile (encoding: buffer)", argv: ["node", "Benchmarks/peers/capture.js", b])),
            needs("python3", Contender(name: "Python subprocess.run(stdout=PIPE)", argv: ["python3", "Benchmarks/peers/bench.py", "capture", b])),
        ]
        let pretouch = [cbench, "pretouch", String(3 * bytes)]
        return Benchmark(
            number: "2", title: "capture `head -c \(Format.size(bytes)) /dev/zero`",
            metric: .rate(unit: "GB/s", scale: 1e9), reference: 0, contenders: contenders, outputBytes: bytes,
            notes: ["Each round starts with `\(pretouch.joined(separator: " "))`: on this VM the first touch of guest "
                + "memory is several times slower than later ones. GB/s = 10^9 bytes/s, measured from spawn to exit."
                + (quick ? " At this size a process's baseline (~10 MiB for Swift, ~45 MiB for Node) dominates the RSS "
                    + "ratio and start-up the rate: the targets are for the full run's 1 GiB." : "")],
            beforeRound: { _ = Launcher.run(pretouch, timeout: 120) })
    }

    // MARK: 3. Relay

    func relayBenchmark() -> Benchmark {
        let b = String(relayBytes)
        let contenders: [Contender] = [
            Contender(name: "C splice(2) loop (gcc -O2)", argv: [cbench, "relay", b, "splice"]),
            Contender(name: "ChildProcess stdout.pipe(to: stdin) (splice)", argv: [bench, "relay", b],
                      target: Target(ratio: 0.95), own: true),
            Contender(name: "ChildProcess read(upTo: 64 KiB) → write loop", argv: [bench, "relay-chunks", b]),
            needs("node", Contender(name: "Node producer.stdout.pipe(consumer.stdin)", argv: ["node", "Benchmarks/peers/relay.js", b])),
            Contender(name: "swift-subprocess .sequence → .inputWriter", argv: [subprocess, "relay", b]),
            Contender(name: "C read/write loop, 64 KiB (orientation)", argv: [cbench, "relay", b, "rw"]),
        ]
        return Benchmark(
            number: "3", title: "relay `head -c \(Format.size(relayBytes)) /dev/zero` → parent → `wc -c`",
            metric: .rate(unit: "GB/s", scale: 1e9), reference: 0, contenders: contenders)
    }

    // MARK: 4. Pipelines in the language

    func pipelineBenchmark() -> Benchmark {
        let size = pipelineSize
        let line = "head -c \(size.text) /dev/zero | cat | cat | wc -c"
        let expect = String(size.bytes)
        func row(_ name: String, _ shell: String, own: Bool = false, target: Target? = nil) -> Contender {
            Contender(name: name, argv: [cbench, "cmd", "1", expect, shell, "-c", line], target: target, own: own)
        }
        var cplRow = row("cpl -c", cpl, own: true, target: Target(ratio: 0.97))
        cplRow.unavailable = cplProblem
        return Benchmark(
            number: "4", title: "pipeline `\(line)`", metric: .throughput(bytes: Double(size.bytes), unit: "GB/s", scale: 1e9),
            reference: 0, contenders: [needs("dash", row("dash -c", "dash")), cplRow, needs("bash", row("bash -c", "bash"))],
            notes: ["`cbench cmd N EXPECT ARGV…` runs ARGV N times (after one untimed run when N > 1), checks every run's "
                + "exit status and stdout (here \(expect)), and reports wall time per run; GB/s = bytes through the "
                + "pipeline per second. The shell only starts the four processes (all three use pipe(2); none relays "
                + "data), so this row mostly measures how the scheduler places 4 busy processes on \(Machine.cores) cores: "
                + (quick || options.repetitions != nil ? "expect wide ranges." : "9 rounds instead of 5, and still expect wide ranges.")],
            minimumRounds: 9)
    }

    // MARK: 5. Startup

    func startupBenchmark() -> Benchmark {
        let n = String(startups)
        func row(_ name: String, _ shell: String, own: Bool = false, target: Target? = nil) -> Contender {
            Contender(name: name, argv: [cbench, "cmd", n, "-", shell, "-c", "true"], target: target, own: own)
        }
        var cplRow = row("cpl -c true", cpl, own: true, target: Target(ratio: 1.25))
        cplRow.unavailable = cplProblem
        return Benchmark(
            number: "5", title: "interpreter startup `-c true`", metric: .time(unit: "ms/run", scale: 1e3), reference: 0,
            contenders: [needs("dash", row("dash -c true", "dash")), cplRow, needs("bash", row("bash -c true", "bash"))],
            notes: ["\(n) runs in sequence per measurement, each spawned by C posix_spawn with stdout captured."])
    }

    // MARK: 6. Script throughput

    func scriptBenchmark() -> Benchmark {
        let (lines, pipelines) = script
        let path = "Benchmarks/.build/script-\(lines).sh"
        writeScript(path: path, lines: lines, pipelines: pipelines)
        func row(_ name: String, _ shell: String, own: Bool = false, target: Target? = nil) -> Contender {
            Contender(name: name, argv: [cbench, "cmd", "1", "-", shell, path], target: target, own: own)
        }
        var cplRow = row("cpl SCRIPT", cpl, own: true, target: Target(ratio: 1.0))
        cplRow.unavailable = cplProblem
        return Benchmark(
            number: "6", title: "script of \(lines) lines", metric: .time(unit: "ms/script", scale: 1e3), reference: 0,
            contenders: [needs("dash", row("dash SCRIPT", "dash")), cplRow, needs("bash", row("bash SCRIPT", "bash"))],
            notes: ["`\(path)` is written by the driver: \(lines) lines, every \(lines / pipelines)th "
                + "`echo x | cat >/dev/null` (\(pipelines) pipelines), the others `/bin/true`."])
    }

    private func writeScript(path: String, lines: Int, pipelines: Int) {
        var text = ""
        let every = max(1, lines / pipelines)
        for line in 1...lines {
            text += line % every == 0 ? "echo x | cat >/dev/null\n" : "/bin/true\n"
        }
        write(text, to: path)
    }

    private func write(_ text: String, to path: String) {
        guard let file = fopen(path, "w") else { return }
        fputs(text, file)
        fclose(file)
    }

    // MARK: 8–11. The language's own work (builtins, expansions, control flow; no process started)

    /// `SHELL Benchmarks/scripts/NAME.sh ARGUMENT` for dash, cpl and bash, checked against `expect`.
    private func languageBenchmark(
        number: String, title: String, script: String, argument: String, expect: String, target: Double, notes: [String]
    ) -> Benchmark {
        let path = "Benchmarks/scripts/\(script).sh"
        func row(_ name: String, _ shell: String, own: Bool = false, target: Target? = nil) -> Contender {
            Contender(name: name, argv: [cbench, "cmd", "1", expect, shell, path, argument], target: target, own: own)
        }
        var cplRow = row("cpl", cpl, own: true, target: Target(ratio: target))
        cplRow.unavailable = cplProblem
        return Benchmark(
            number: number, title: title, metric: .time(unit: "ms", scale: 1e3), reference: 0,
            contenders: [needs("dash", row("dash", "dash")), cplRow, needs("bash", row("bash", "bash"))], notes: notes)
    }

    func loopBenchmark() -> Benchmark {
        let n = loopIterations
        let sum = (0..<n).reduce(0) { $0 + $1 % 7 }
        return languageBenchmark(
            number: "8", title: "loop of \(n) iterations", script: "loop", argument: String(n), expect: String(sum), target: 1.0,
            notes: ["`Benchmarks/scripts/loop.sh`: `i=0; s=0; while [ $i -lt N ]; do s=$((s + i % 7)); i=$((i + 1)); done`."])
    }

    func functionBenchmark() -> Benchmark {
        let n = fibonacciArgument
        func fibonacci(_ n: Int) -> Int { n < 2 ? n : fibonacci(n - 1) + fibonacci(n - 2) }
        return languageBenchmark(
            number: "9", title: "function calls: recursive `fib \(n)`", script: "fib", argument: String(n),
            expect: String(fibonacci(n)), target: 1.5,
            notes: ["`Benchmarks/scripts/fib.sh`: a recursive function with `local`, `[ … ]` and `$((…))`, result in a variable."])
    }

    func caseBenchmark() -> Benchmark {
        let rounds = caseRounds
        let words = rounds * 80
        let expect = [2, 3, 1, 1, 1].map { String($0 * rounds * 10) }.joined(separator: " ")
        return languageBenchmark(
            number: "10", title: "`for` + `case` over \(words) words", script: "case", argument: String(rounds), expect: expect,
            target: 1.0,
            notes: ["`Benchmarks/scripts/case.sh`: \(rounds) rounds of a `for` over 80 words written out, each classified by "
                + "five `case` patterns (`[0-9]*`, `a*|b*|c*`, `[A-Z]*`, `*-*`, `*`), counts kept in variables."])
    }

    func readBenchmark() -> Benchmark {
        let lines = readLines
        let path = "Benchmarks/.build/lines-\(lines).txt"
        var text = ""
        let names = ["alpha", "beta", "gamma", "delta"]
        for line in 0..<lines {
            text += "\(names[line % 4]) \(line % 1000) \(String(repeating: "x", count: line % 13)) and the rest\n"
        }
        write(text, to: path)
        let total = (0..<lines).reduce(0) { $0 + $1 % 1000 }
        return languageBenchmark(
            number: "11", title: "`while read -r a b c` over \(lines) lines", script: "read", argument: path,
            expect: "\(lines) \(total) \(lines / 4)", target: 1.0,
            notes: ["`Benchmarks/scripts/read.sh`: counts the lines of `\(path)` (written by the driver: "
                + "`WORD NUMBER x… and the rest`), sums the numbers, counts one word with `case`. dash reads a byte "
                + "at a time; a shell may read a regular file in blocks and seek back."])
    }

    // MARK: 12. Parsing

    func parseBenchmark() -> Benchmark {
        let lines = parseLines
        let line = #"printf "%s" a | cat > /dev/null"#
        let path = "Benchmarks/.build/parse-\(lines).sh"
        write(String(repeating: line + "\n", count: lines), to: path)
        func row(_ name: String, _ shell: String, own: Bool = false, target: Target? = nil) -> Contender {
            Contender(name: name, argv: [cbench, "cmd", "1", "-", shell, "-n", path], target: target, own: own)
        }
        var cplRow = row("cpl -n", cpl, own: true, target: Target(ratio: 2.0, peakRSSMiB: 16))
        cplRow.unavailable = cplProblem
        return Benchmark(
            number: "12", title: "parse a script of \(lines) lines (`-n`)", metric: .time(unit: "ms", scale: 1e3), reference: 0,
            contenders: [needs("dash", row("dash -n", "dash")), cplRow, needs("bash", row("bash -n", "bash"))],
            notes: ["`\(path)` is written by the driver: \(lines) lines of `\(line)`; `-n` parses without running. "
                + "cpl parses a whole script before it runs any of it, so this is start-up for every script; dash "
                + "parses and runs (here: drops) one command at a time."
                + (quick ? " The peak RSS target is for the full run's 50,000 lines." : "")])
    }

    // MARK: 13. Remote stages

    /// The directory of the loopback sshd (`Tests/TestSupport/loopback-sshd.sh`, the tests' own),
    /// absolute: ssh reads it from `CPL_SSH_COMMAND`, which is split at blanks.
    private var sshDirectory: String { Launcher.absolute("Benchmarks/.build/loopback-sshd") }

    func remoteBenchmark() -> Benchmark {
        let n = remoteCommands
        let ssh = "ssh -F \(sshDirectory)/ssh_config"
        func loop(_ command: String) -> String { "i=0; while [ $i -lt \(n) ]; do \(command); i=$((i + 1)); done" }
        func peer(_ name: String, _ command: String) -> Contender {
            needs("dash", Contender(name: name, argv: [cbench, "cmd", "1", "-", "dash", "-c", loop(command)]))
        }
        var cplRow = Contender(
            name: "cpl: `@bench true`", argv: [cbench, "cmd", "1", "-", "env", "CPL_SSH_COMMAND=\(ssh)", cpl, "-c", loop("@bench true")],
            target: Target(ratio: 1.3), own: true)
        cplRow.unavailable = cplProblem
        var contenders = [peer("`ssh -S <master> bench true` (an existing master)", "\(ssh) -S \(sshDirectory)/master bench true"),
                          cplRow, peer("`ssh bench true` (a fresh connection each)", "\(ssh) -S none bench true")]
        if access("/usr/sbin/sshd", X_OK) != 0 {
            for index in contenders.indices { contenders[index].unavailable = "/usr/sbin/sshd not found" }
        }
        let directory = sshDirectory
        let owner = String(getpid())
        return Benchmark(
            number: "13", title: "remote stages: \(n) sequential `true` on a loopback sshd",
            metric: .time(unit: "ms/command", scale: 1e3 / Double(n)), reference: 0, contenders: contenders,
            notes: ["`Tests/TestSupport/loopback-sshd.sh` (the tests' servers) starts an OpenSSH server on a loopback port "
                + "(keys of its own, host `bench` in `\(directory)/ssh_config`) before the first round, and the driver a "
                + "ControlMaster at `\(directory)/master`; they stop when the driver has exited. Each row is one shell "
                + "running \(n) commands in a `while` loop: cpl's own connection "
                + "(one handshake, then a channel per command; its remote command is wrapped to end with the session), "
                + "the same through the existing master, and a new connection each. The issue's targets: cpl ≤ 1.3× the "
                + "multiplexed row and ≥ 3× faster than the fresh one."],
            beforeRound: {
                _ = Launcher.run(["Tests/TestSupport/loopback-sshd.sh", directory, owner, "bench"], timeout: 120)
                // The master ends with the server, which ends with the driver.
                let ssh = "ssh -F '\(directory)/ssh_config' -o ControlPath='\(directory)/master'"
                _ = Launcher.run(["sh", "-c", "\(ssh) -O check bench 2>/dev/null || { rm -f '\(directory)/master'; "
                    + "\(ssh) -o ControlMaster=yes -o ControlPersist=yes -fN bench </dev/null >/dev/null 2>>'\(directory)/master.log'; }"], timeout: 120)
            })
    }

    // MARK: 14. autoconf configure in POSIX mode

    func configureBenchmark() -> Benchmark {
        let directory = Launcher.absolute("Benchmarks/.build/configure")
        let cplPath = Launcher.absolute(cpl)
        func row(_ name: String, _ shell: [String], configShell: String, own: Bool = false, target: Target? = nil) -> Contender {
            Contender(name: name, argv: [cbench, "cmd", "1", "-", "env", "-C", directory + "/demo", "CONFIG_SHELL=" + configShell]
                      + shell + ["./configure"], target: target, own: own)
        }
        var cplRow = row("cpl --posix", [cplPath, "--posix"], configShell: directory + "/sh", own: true, target: Target(ratio: 1.0))
        cplRow.unavailable = cplProblem
        var contenders = [needs("dash", row("dash", ["dash"], configShell: "/bin/dash")), cplRow,
                          needs("bash", row("bash --posix", ["bash", "--posix"], configShell: "/bin/bash"))]
        if access("/usr/bin/autoconf", X_OK) != 0 {
            for index in contenders.indices { contenders[index].unavailable = "autoconf not found" }
        }
        return Benchmark(
            number: "14", title: "autoconf `configure` (POSIX mode)", metric: .time(unit: "ms", scale: 1e3), reference: 0,
            contenders: contenders,
            notes: ["`Benchmarks/scripts/configure-fixture.sh` generates `configure` once from the autoconf tests' `demo` "
                + "project (`Tests/CommandTests/Autoconf/demo`: AC_PROG_CC, AC_CHECK_HEADERS, AC_CHECK_FUNCS, AC_ARG_ENABLE, "
                + "AC_ARG_WITH, AC_CONFIG_HEADERS, AC_CONFIG_FILES) into `\(directory)/demo`; each run is `./configure` there, "
                + "with CONFIG_SHELL the same shell (a `sh` link to cpl for cpl), so `config.status` runs under it too. "
                + "Most of the time is the C compiler's, the same for every shell."],
            beforeRound: { _ = Launcher.run(["Benchmarks/scripts/configure-fixture.sh", directory, cplPath], timeout: 300) })
    }

    // MARK: 7. IPC

    private func ipcContenders(_ mode: String, _ n: Int) -> [Contender] {
        let unavailable = IPCContenders.unavailable
        var swiftSwift = Contender(name: "Swift ↔ Swift (fork of `bench ipc-child`)", argv: [bench, "ipc-\(mode)", String(n), "swift"],
                                   target: Target(ratio: 1.0), own: true)
        // Round trips: the issue's bar is 1.2× Node ↔ Node for a Swift parent of a Node child.
        var swiftNode = Contender(name: "Swift ↔ Node (fork of peers/ipc_child.js)", argv: [bench, "ipc-\(mode)", String(n), "node"],
                                  target: Target(ratio: mode == "rtt" ? 1.2 : 1.0), own: true)
        swiftSwift.unavailable = unavailable
        swiftNode.unavailable = unavailable
        return [
            needs("node", Contender(name: "Node ↔ Node (fork)", argv: ["node", "Benchmarks/peers/ipc_parent.js", mode, String(n)])),
            swiftSwift, needs("node", swiftNode),
        ]
    }

    func ipcRoundTripBenchmark() -> Benchmark {
        Benchmark(
            number: "7a", title: "IPC round trips of small JSON messages", metric: .rate(unit: "k round trips/s", scale: 1e3),
            reference: 0, contenders: ipcContenders("rtt", roundTrips),
            notes: ["\(roundTrips) sequential round trips of `{\"seq\":i,\"text\":\"ping\"}` over Node's JSON IPC channel; the child echoes."])
    }

    func ipcBulkBenchmark() -> Benchmark {
        Benchmark(
            number: "7b", title: "IPC 1 MiB messages", metric: .rate(unit: "MB/s", scale: 1e6),
            reference: 0, contenders: ipcContenders("bulk", bulkMessages),
            notes: ["\(bulkMessages) sequential echoes of `{\"seq\":i,\"data\":<1 MiB string>}`; MB/s counts payload both ways."])
    }
}

extension Format {
    static func size(_ bytes: Int) -> String {
        if bytes % (1 << 30) == 0 { return "\(bytes >> 30)G" }
        if bytes % (1 << 20) == 0 { return "\(bytes >> 20)M" }
        return String(bytes)
    }
}
