import ChildProcess
import Glibc
import TestSupport
import Testing

/// Whether `pid` names a process that still runs: in /proc and not a zombie (an orphaned zombie
/// waits for init, which reaps it on its own time).
func isRunning(_ pid: Int32) -> Bool {
    guard let state = processState(pid) else { return false }
    return state != "Z" && state != "X"
}

/// Process trees: `kill(_:target: .processTree)` reaches every generation, and a teardown with that
/// target lets `exec` of a command that starts its own children end without leaving any.
@Suite("process trees")
struct ProcessTreeTests {
    /// A child (sh) whose child (sh) has a child (sleep), neither in a group of its own making;
    /// the middle one prints its pid and the sleep's.
    private let threeGenerations = "sh -c 'sleep 1000 & echo $$ $!; wait' & wait"

    @Test("a tree of three generations is killed, with nothing of it left running")
    func threeGenerationsKilled() async throws {
        let child = try ChildProcess.spawn("sh", ["-c", threeGenerations], options: SpawnOptions(stdio: [.ignore, .pipe, .ignore]))
        var lines = child.stdout!.lines.makeAsyncIterator()
        let descendants = try #require(try await lines.next()).split(separator: " ").compactMap { Int32($0) }
        try #require(descendants.count == 2)
        #expect(descendants.allSatisfy(isRunning))
        #expect(child.kill(.terminate, target: .processTree))
        #expect(try await within { try await child.waitForExit() } == .signaled(.terminate))
        #expect(await eventually { !descendants.contains(where: isRunning) }, "descendants \(descendants) still run")
    }

    @Test("the child alone: its descendants live on (what the tree target is for)")
    func processAloneLeavesDescendants() async throws {
        let child = try ChildProcess.spawn("sh", ["-c", threeGenerations], options: SpawnOptions(stdio: [.ignore, .pipe, .ignore]))
        var lines = child.stdout!.lines.makeAsyncIterator()
        let descendants = try #require(try await lines.next()).split(separator: " ").compactMap { Int32($0) }
        try #require(descendants.count == 2)
        #expect(child.kill(.kill, target: .process))
        _ = try await within { try await child.waitForExit() }
        #expect(descendants.allSatisfy(isRunning))
        for pid in descendants.reversed() { kill(pid, SIGKILL) }
    }

    @Test("exec that times out with a tree teardown returns, and leaves none of its processes")
    func execTimeoutKillsTree() async throws {
        var options = ExecOptions()
        // The timeout is what is tested, so it cannot wait for an event: it is long enough for
        // the middle shell to have started its sleep and said so on a loaded machine (ms here).
        options.timeout = .seconds(5)
        options.teardown = .signal(.kill, target: .processTree)
        let error = await #expect(throws: ExecError.self) {
            try await within { [options] in try await ChildProcess.exec(threeGenerations, options: options) }
        }
        #expect(error?.reason == .timedOut)
        let descendants = (error?.stdout ?? "").split { $0 == " " || $0 == "\n" }.compactMap { Int32($0) }
        #expect(descendants.count == 2, "the middle shell printed \(error?.stdout.debugDescription ?? "nothing")")
        #expect(await eventually { !descendants.contains(where: isRunning) })
    }

    @Test("a stop sent to the tree leaves every process stopped; a continue resumes them")
    func stopTree() async throws {
        let child = try ChildProcess.spawn("sh", ["-c", threeGenerations], options: SpawnOptions(stdio: [.ignore, .pipe, .ignore]))
        var lines = child.stdout!.lines.makeAsyncIterator()
        let descendants = try #require(try await lines.next()).split(separator: " ").compactMap { Int32($0) }
        try #require(descendants.count == 2)
        #expect(child.kill(.stop, target: .processTree))
        #expect(await eventually { ([child.pid] + descendants).allSatisfy { processState($0) == "T" } })
        #expect(child.kill(.continue, target: .processTree))
        #expect(await eventually { ([child.pid] + descendants).allSatisfy { processState($0) == "S" } })
        child.kill(.kill, target: .processTree)
        _ = try await within { try await child.waitForExit() }
    }

    @Test("no descriptor leaked and no zombie left after 1,000 spawns with tree kill", .timeLimit(.minutes(5)))
    func treeKillHygiene() async throws {
        let output = try await ChildProcess.execFile(fixturePath, ["tree-hygiene", "1000"])
        let fields = output.stdout.split { $0 == " " || $0 == "\n" }.map(String.init)
        try #require(fields.count == 5, "\(output.stdout)")
        #expect(fields[1] == fields[2], "fd count before and after")
        #expect(fields[4] == "0", "zombies")
    }
}

/// The state letter of /proc/PID/stat (R, S, T, Z…), or nil when there is no such process.
func processState(_ pid: Int32) -> Substring? {
    guard let file = fopen("/proc/\(pid)/stat", "r") else { return nil }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 512)
    guard fgets(&line, 512, file) != nil else { return nil }
    let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    guard let close = text.lastIndex(of: ")") else { return nil }
    return text[text.index(after: close)...].split(separator: " ").first
}
