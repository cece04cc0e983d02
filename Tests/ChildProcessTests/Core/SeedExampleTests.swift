import ChildProcess
import Glibc
import TestSupport
import Testing

/// The examples of the seed manual (Node v0.8 child_process), ported.
@Suite("Seed manual examples")
struct SeedExampleTests {
    @Test("spawn ls -lh /usr: output and exit code")
    func listUsr() async throws {
        let ls = try ChildProcess.spawn("ls", ["-lh", "/usr"])
        async let output = ls.stdout!.text()
        async let errors = ls.stderr!.text()
        let status = try await ls.waitForExit()
        #expect(status == .exited(0))
        #expect(try await output.contains("bin"))
        #expect(try await errors.isEmpty)
        #expect(ls.exitCode == 0)
        #expect(ls.signalCode == nil)
        #expect(ls.spawnfile == "ls")
        #expect(ls.spawnargs == ["ls", "-lh", "/usr"])
    }

    @Test("ps ax | grep, copying through the parent")
    func psGrepThroughParent() async throws {
        let ps = try ChildProcess.spawn("ps", ["ax"])
        let grep = try ChildProcess.spawn("grep", ["PID"])
        for try await chunk in ps.stdout! { try await grep.stdin!.write(chunk) }
        #expect(try await ps.waitForExit() == .exited(0))
        grep.stdin!.end()
        let matched = try await grep.stdout!.text()
        #expect(try await grep.waitForExit() == .exited(0))
        expectPSHeaderFirst(matched)
    }

    @Test("ps ax | grep, children connected directly with .fd")
    func psGrepConnected() async throws {
        let (readEnd, writeEnd) = try FileDescriptor.pipe()
        let ps = try ChildProcess.spawn("ps", ["ax"], options: SpawnOptions(stdio: [.ignore, .fd(writeEnd), .inherit]))
        let grep = try ChildProcess.spawn("grep", ["PID"], options: SpawnOptions(stdio: [.fd(readEnd), .pipe, .inherit]))
        // The parent's copies must go, or grep never sees end of file.
        try readEnd.close()
        try writeEnd.close()
        let matched = try await within { try await grep.stdout!.text() }
        #expect(try await ps.waitForExit() == .exited(0))
        #expect(try await grep.waitForExit() == .exited(0))
        expectPSHeaderFirst(matched)
    }

    @Test("spawn('bad_command') fails at once with ENOENT and Node's fields")
    func badCommand() throws {
        do {
            _ = try ChildProcess.spawn("bad_command")
            Issue.record("spawn of a missing program succeeded")
        } catch {
            #expect(error.errno == .noSuchFileOrDirectory)
            #expect(error.code == "ENOENT")
            #expect(error.syscall == "spawn bad_command")
            #expect(error.path == "bad_command")
            #expect(error.spawnargs == [])
            #expect(error.description == "spawn bad_command ENOENT (No such file or directory)")
        }
    }

    @Test("a detached child with its output in a log file outlives its parent")
    func detachedOutlivesParent() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let log = directory + "/out.log"
        let parent = try await ChildProcess.execFile(fixturePath, ["detach", log])
        let pid = Int32(parent.stdout.split(separator: "\n").first ?? "") ?? 0
        #expect(pid > 0)
        // The parent has exited; the detached child leads its own session and is still running.
        #expect(processExists(pid))
        #expect(getsid(pid) == pid)
        #expect(getpgid(pid) == pid)
        try writeFile(log + ".release", "")
        #expect(await eventually { (try? readFile(log))?.contains("alive after parent") == true })
    }

    @Test("kill('SIGHUP') ends grep, which reports the signal")
    func killHangup() async throws {
        let grep = try ChildProcess.spawn("grep", ["ssh"])
        #expect(grep.kill(.hangup))
        let status = try await within { try await grep.waitForExit() }
        #expect(status == .signaled(.hangup))
        #expect(grep.signalCode == .hangup)
        #expect(grep.exitCode == nil)
        #expect(grep.killed)
        #expect(grep.kill() == false, "kill after exit reports that the process is gone")
    }

    @Test("exec('cat *.js bad_file | wc -l')")
    func execCatWc() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        try writeFile(directory + "/a.js", "one\ntwo\n")
        try writeFile(directory + "/b.js", "three\n")
        var options = ExecOptions()
        options.cwd = directory
        let output = try await ChildProcess.exec("cat *.js bad_file | wc -l", options: options)
        #expect(output.stdout.trimmingSpaces == "3")
        #expect(output.stderr.contains("bad_file"))
    }
}

/// grep PID's output of `ps ax` starts with ps's header line (the grep's own line may follow).
func expectPSHeaderFirst(_ matched: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let header = matched.split(separator: "\n").first?.split(separator: " ")
    #expect(header == ["PID", "TTY", "STAT", "TIME", "COMMAND"], sourceLocation: sourceLocation)
}

extension String {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\n" }).reversed().drop(while: { $0 == " " || $0 == "\n" }).reversed())
    }
}
