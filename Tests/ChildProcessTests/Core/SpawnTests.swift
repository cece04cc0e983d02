import ChildProcess
import Glibc
import Synchronization
import TestSupport
import Testing

@Suite("spawn")
struct SpawnTests {
    @Test("exit comes before close: close waits for a grandchild holding stdout")
    func exitBeforeClose() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let flag = directory + "/release"
        let done = directory + "/done"
        // The grandchild keeps stdout open until the test creates the flag file; it leaves `done`
        // just before it exits, which closes its stdout.
        let child = try ChildProcess.spawn(
            "sh", ["-c", "echo first; (while [ ! -e \(flag) ]; do sleep 0.01; done; echo late; : > \(done)) & exit 0"])
        let output = Task { try await child.stdout!.text() }
        #expect(try await within { try await child.waitForExit() } == .exited(0))
        let close = Task {
            try await child.waitForClose()
            return access(done, F_OK) == 0
        }
        try writeFile(flag, "")
        #expect(try await within { try await close.value }, "close came before the grandchild's end of stdout")
        #expect(try await output.value == "first\nlate\n")
    }

    @Test("close happens even when nobody reads the output")
    func closeWithoutReading() async throws {
        let child = try ChildProcess.spawn("echo", ["unread"])
        #expect(try await within { try await child.waitForClose() } == .exited(0))
        #expect(try await child.stdout!.text() == "unread\n", "unread output is still there after close")
    }

    @Test("Node-style events arrive in order: spawn, exit, close")
    func eventOrder() async throws {
        let child = try ChildProcess.spawn("sh", ["-c", "exit 3"], options: SpawnOptions(stdio: .all(.ignore)))
        let log = EventLog()
        child.on(.spawn) { log.append("spawn") }
        child.on(.exit) { log.append("exit \($0)") }
        child.on(.close) { log.append("close \($0)") }
        try await child.waitForClose()
        #expect(await eventually { log.entries.count == 3 })
        #expect(log.entries == ["spawn", "exit exit code 3", "close exit code 3"])
    }

    @Test("signalCode when the child is killed by a signal it did not get from us")
    func signalCode() async throws {
        let child = try ChildProcess.spawn("sh", ["-c", "kill -TERM $$"], options: SpawnOptions(stdio: .all(.ignore)))
        #expect(try await child.waitForExit() == .signaled(.terminate))
        #expect(child.signalCode == .terminate)
        #expect(child.exitCode == nil)
        #expect(child.killed == false)
        #expect(child.exitStatus?.shellStatus == 143)
    }

    @Test("the environment: inherited by default, exactly what is given otherwise")
    func environment() async throws {
        let inherited = try await ChildProcess.execFile("sh", ["-c", "echo $HOME"])
        #expect(inherited.stdout == (Environment.value(of: "HOME") ?? "") + "\n")
        var options = ExecOptions()
        options.environment = ["ONLY": "this one"]
        let isolated = try await ChildProcess.execFile("/usr/bin/env", options: options)
        #expect(isolated.stdout == "ONLY=this one\n")
        options.environment = [:]
        let empty = try await ChildProcess.execFile("/usr/bin/env", options: options)
        #expect(empty.stdout == "")
    }

    @Test("PATH is looked up in the child's environment")
    func pathFromChildEnvironment() async throws {
        var options = ExecOptions()
        options.environment = ["PATH": "/nonexistent"]
        let missing = await spawnFailure(ofExecFile: "ls", options: options)
        #expect(missing?.errno == .noSuchFileOrDirectory)
        #expect(missing?.syscall == "spawn ls")
        #expect(missing?.path == "ls")
        options.environment = ["PATH": "/nonexistent:/bin"]
        #expect(try await ChildProcess.execFile("ls", ["/"], options: options).stdout.contains("usr"))
    }

    @Test("cwd, and a bad cwd reported as chdir")
    func workingDirectory() async throws {
        var options = ExecOptions()
        options.cwd = "/usr"
        #expect(try await ChildProcess.execFile("pwd", options: options).stdout == "/usr\n")
        do {
            _ = try ChildProcess.spawn("pwd", options: SpawnOptions(cwd: "/no/such/dir"))
            Issue.record("spawn with a missing cwd succeeded")
        } catch {
            #expect(error.code == "ENOENT")
            #expect(error.syscall == "chdir")
            #expect(error.path == "/no/such/dir")
        }
    }

    @Test("a file that is not executable, or a directory: EACCES; a directory on PATH is skipped")
    func notExecutable() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        try writeFile(directory + "/script", "echo hi\n", mode: 0o644)
        for path in [directory + "/script", directory] {
            do {
                _ = try ChildProcess.spawn(path)
                Issue.record("spawn of \(path) succeeded")
            } catch {
                #expect(error.code == "EACCES", "\(path)")
                #expect(error.syscall == "spawn \(path)")
            }
        }
        // A directory named like the program comes first on PATH; the lookup passes over it.
        let shadowing = directory + "/shadowing", programs = directory + "/programs"
        for path in [shadowing, shadowing + "/tool", programs] { #expect(mkdir(path, 0o755) == 0) }
        try writeFile(programs + "/tool", "#!/bin/sh\necho found\n", mode: 0o755)
        var options = ExecOptions()
        options.environment = ["PATH": shadowing + ":" + programs]
        #expect(try await ChildProcess.execFile("tool", options: options).stdout == "found\n")
        // With nothing after it, the lookup fails as execvp's does: EACCES, not ENOENT.
        options.environment = ["PATH": shadowing]
        let skipped = await spawnFailure(ofExecFile: "tool", options: options)
        #expect(skipped?.errno == .permissionDenied)
        #expect(skipped?.syscall == "spawn tool")
        #expect(skipped?.path == "tool")
    }

    @Test("an executable file without #! fails with ENOEXEC (sh would run it; the caller decides)")
    func noShebang() throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        try writeFile(directory + "/script", "echo hi\n", mode: 0o755)
        do {
            _ = try ChildProcess.spawn(directory + "/script")
            Issue.record("spawn of a file without #! succeeded")
        } catch {
            #expect(error.code == "ENOEXEC")
        }
    }

    @Test("extra descriptors: a duplex pipe at fd 3, a closed fd 4")
    func extraDescriptors() async throws {
        let child = try ChildProcess.spawn(
            "sh", ["-c", "read line <&3; echo \"got $line\" >&3; echo 4 >&4 || echo closed"],
            options: SpawnOptions(stdio: [.ignore, .pipe, .ignore, .pipe, .closed]))
        try await child.stdio[3]!.write("hello\n")
        var lines = child.stdio[3]!.lines.makeAsyncIterator()
        #expect(try await lines.next() == "got hello")
        #expect(try await child.stdout!.text() == "closed\n")
        #expect(try await child.waitForExit() == .exited(0))
    }

    @Test("only the configured descriptors reach the child")
    func onlyConfiguredDescriptors() async throws {
        let (readEnd, writeEnd) = try FileDescriptor.pipe()
        defer { try? readEnd.close(); try? writeEnd.close() }
        // The parent holds extra fds (this pipe, the reactor's epoll, …); none may leak.
        let output = try await ChildProcess.execFile("sh", ["-c", "ls /proc/$$/fd"])
        #expect(output.stdout.split(separator: "\n").sorted() == ["0", "1", "2"])
    }

    @Test("writing stdin then ending it lets the child finish")
    func stdinEnd() async throws {
        let cat = try ChildProcess.spawn("cat")
        try await cat.stdin!.write("line one\n")
        try await cat.stdin!.write(Array("line two\n".utf8))
        cat.stdin!.end()
        #expect(try await within { try await cat.stdout!.text() } == "line one\nline two\n")
        #expect(try await cat.waitForExit() == .exited(0))
    }

    @Test("a large write to a slow reader is not lost; EPIPE once the reader is gone")
    func backpressureAndBrokenPipe() async throws {
        let payload = [UInt8](repeating: UInt8(ascii: "x"), count: 4 << 20)
        let wc = try ChildProcess.spawn("wc", ["-c"])
        async let counted = wc.stdout!.text()
        try await wc.stdin!.write(payload)
        wc.stdin!.end()
        #expect(try await counted.trimmingSpaces == "\(payload.count)")
        let head = try ChildProcess.spawn("head", ["-c", "1"], options: SpawnOptions(stdio: [.pipe, .ignore, .ignore]))
        await #expect(throws: Errno.brokenPipe) {
            for _ in 0..<64 { try await head.stdin!.write(payload) }
        }
    }

    @Test("shell option runs through /bin/sh -c; argv0 is what the child sees")
    func shellAndArgv0() async throws {
        var options = ExecOptions()
        options.shell = "/bin/sh"
        #expect(try await ChildProcess.execFile("echo $((1 + 2))", options: options).stdout == "3\n")
        var named = ExecOptions()
        named.argv0 = "custom-name"
        #expect(try await ChildProcess.execFile("sh", ["-c", "echo $0"], options: named).stdout == "custom-name\n")
    }

    @Test("the child starts with no blocked and no ignored signal, whatever the parent has")
    func cleanSignalState() async throws {
        let output = try await ChildProcess.execFile(fixturePath, ["signals"])
        #expect(output.stdout == "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n")
    }

    @Test("no descriptor leaked and no zombie left after 1,000 spawns", .timeLimit(.minutes(5)))
    func hygiene() async throws {
        let output = try await ChildProcess.execFile(fixturePath, ["hygiene", "1000"])
        let fields = output.stdout.split(separator: " ").map(String.init)
        #expect(fields.count == 5)
        #expect(fields[1] == fields[2].trimmingSpaces, "fd count before and after")
        #expect(fields[4].trimmingSpaces == "0", "zombies")
    }

    @Test("detached: the child leads a new session; kill signals the whole group")
    func detachedGroupKill() async throws {
        let child = try ChildProcess.spawn("sh", ["-c", "sleep 1000 & echo $!; wait"],
                                           options: SpawnOptions(stdio: [.ignore, .pipe, .ignore], detached: true))
        var lines = child.stdout!.lines.makeAsyncIterator()
        let grandchild = Int32(try await lines.next() ?? "") ?? 0
        #expect(getsid(child.pid) == child.pid)
        #expect(child.leadsProcessGroup)
        #expect(child.kill(.kill))
        #expect(try await child.waitForExit() == .signaled(.kill))
        #expect(await eventually { !processExists(grandchild) || isZombie(grandchild) })
    }

    @Test("uid and gid (fork path) when running as root", .enabled(if: getuid() == 0))
    func credentials() async throws {
        var options = ExecOptions()
        options.uid = 65534
        options.gid = 65534
        #expect(try await ChildProcess.execFile("id", ["-u"], options: options).stdout == "65534\n")
        #expect(try await ChildProcess.execFile("id", ["-g"], options: options).stdout == "65534\n")
        options.cwd = "/nonexistent"
        let badDirectory = await spawnFailure(ofExecFile: "id", options: options)
        #expect(badDirectory?.errno == .noSuchFileOrDirectory)
        #expect(badDirectory?.syscall == "chdir")
        #expect(badDirectory?.path == "/nonexistent")
    }

    @Test("cancelling the waiting task kills the child and reports an abort")
    func taskCancellation() async throws {
        let child = try ChildProcess.spawn("sleep", ["1000"], options: SpawnOptions(stdio: .all(.ignore)))
        // An immediate task runs up to its first suspension before this line goes on: the waiter
        // is waiting when it is cancelled.
        let waiter = Task.immediate { try await child.waitForExit() }
        waiter.cancel()
        let result = await waiter.result
        #expect(throws: ChildProcessError.aborted(.signaled(.terminate))) { try result.get() }
        #expect(child.signalCode == .terminate)
    }

    @Test("a cancellation handle kills the child with killSignal and emits an error")
    func cancellationHandle() async throws {
        let handle = CancellationHandle()
        var options = SpawnOptions(stdio: .all(.ignore))
        options.cancellation = handle
        options.killSignal = .kill
        let child = try ChildProcess.spawn("sleep", ["1000"], options: options)
        let log = EventLog()
        child.on(.error) { log.append("\($0)") }
        handle.cancel()
        await #expect(throws: ChildProcessError.self) { try await child.waitForExit() }
        #expect(child.signalCode == .kill)
        #expect(log.entries.count == 1)
    }

    @Test("timeout kills with killSignal")
    func timeout() async throws {
        var options = SpawnOptions(stdio: .all(.ignore))
        options.timeout = .milliseconds(100)
        options.killSignal = .interrupt
        // Far longer than any hang guard: the timeout may fire late on a loaded machine.
        let child = try ChildProcess.spawn("sleep", ["1000"], options: options)
        #expect(try await within { try await child.waitForExit() } == .signaled(.interrupt))
        #expect(child.timedOut && child.killed)
    }

    @Test("unref: waitForReferencedChildren waits for referenced children only")
    func unref() async throws {
        // In a process of its own: the wait covers every child of the process.
        let output = try await ChildProcess.execFile(fixturePath, ["unref"])
        #expect(output.stdout == "referenced: exit code 0\nunref'd: running\n")
    }
}

func isZombie(_ pid: Int32) -> Bool {
    (try? readFile("/proc/\(pid)/stat"))?.split(separator: ")").last?.split(separator: " ").first == "Z"
}

final class EventLog: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ entry: String) { storage.withLock { $0.append(entry) } }
    var entries: [String] { storage.withLock { $0 } }
}
