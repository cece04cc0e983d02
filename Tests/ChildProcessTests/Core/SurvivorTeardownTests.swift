import ChildProcess
import Glibc
import TestSupport
import Testing

/// A teardown aimed at the group or the tree goes on after the child is reaped: what of its group
/// or tree ignored the signal that ended the child gets the next steps too.
@Suite("teardown of what outlives the child")
struct SurvivorTeardownTests {
    /// The shell dies of SIGTERM; its background sleep ignores it. Prints the sleep's pid.
    private let survivorOfTerminate = #"( trap "" TERM; exec sleep 1000 ) & echo $!; wait"#

    private func spawnWithSurvivor(detached: Bool = false) async throws -> (ChildProcess, Int32) {
        var options = SpawnOptions(stdio: [.ignore, .pipe, .ignore])
        options.detached = detached
        let child = try ChildProcess.spawn("sh", ["-c", survivorOfTerminate], options: options)
        var lines = child.stdout!.lines.makeAsyncIterator()
        let grandchild = try #require(Int32(try await lines.next() ?? ""))
        // The sleep ignores SIGTERM once it runs: its /proc/PID/status says so (bit 15 of SigIgn).
        #expect(await eventually { ignoresTerminate(grandchild) })
        return (child, grandchild)
    }

    @Test("tree: the grandchild that ignored SIGTERM gets the SIGKILL that follows")
    func treeSurvivorKilled() async throws {
        let (child, grandchild) = try await spawnWithSurvivor()
        defer { kill(grandchild, SIGKILL) }
        let report = await child.tearDown(using: .terminate(gracePeriod: .milliseconds(200), target: .processTree))
        #expect(report?.step == 0, "SIGTERM ended the child")
        #expect(report?.status == .signaled(.terminate))
        #expect(await eventually { !isRunning(grandchild) }, "grandchild \(grandchild) survived the teardown")
    }

    @Test("group: the member that ignored SIGTERM gets the SIGKILL that follows")
    func groupSurvivorKilled() async throws {
        let (child, grandchild) = try await spawnWithSurvivor(detached: true)
        defer { kill(grandchild, SIGKILL) }
        let report = await child.tearDown(using: .terminate(gracePeriod: .milliseconds(200), target: .processGroup))
        #expect(report?.status == .signaled(.terminate))
        #expect(await eventually { !isRunning(grandchild) }, "grandchild \(grandchild) survived the teardown")
    }

    @Test("spawnSync: a tree teardown after the timeout chases the survivor too")
    func syncTreeSurvivorKilled() async throws {
        var options = ExecOptions()
        // Long enough for the survivor to ignore SIGTERM and say so on a loaded machine.
        options.timeout = .seconds(3)
        options.teardown = .terminate(gracePeriod: .milliseconds(200), target: .processTree)
        let script = #"( trap "" TERM; echo $(exec sh -c 'echo $PPID'); exec sleep 1000 ) & wait"#
        let result = try ChildProcess.spawnSync("sh", ["-c", script], options: options)
        let grandchild = try #require(Int32(result.stdout.split(separator: "\n").first ?? ""))
        defer { kill(grandchild, SIGKILL) }
        #expect(result.error == .timedOut)
        #expect(result.teardown?.step == 0)
        #expect(await eventually { !isRunning(grandchild) }, "grandchild \(grandchild) survived the teardown")
    }

    @Test("no descriptor leaked and no zombie left after 1,000 tree teardowns that chase a survivor", .timeLimit(.minutes(5)))
    func survivorChaseHygiene() async throws {
        let output = try await ChildProcess.execFile(fixturePath, ["survivor-hygiene", "1000"])
        let fields = output.stdout.split { $0 == " " || $0 == "\n" }.map(String.init)
        try #require(fields.count == 5, "\(output.stdout)")
        #expect(fields[1] == fields[2], "fd count before and after")
        #expect(fields[4] == "0", "zombies")
    }

    private func ignoresTerminate(_ pid: Int32) -> Bool {
        guard let status = try? readFile("/proc/\(pid)/status"),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigIgn:") }),
              let mask = UInt64(line.dropFirst("SigIgn:".count).trimmingPrefix(while: { $0 == "\t" || $0 == " " }), radix: 16)
        else { return false }
        return mask & (1 << (UInt64(SIGTERM) - 1)) != 0
    }
}
