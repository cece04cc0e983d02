import ChildProcess
import Glibc
import Testing

/// 100 signals in about a second at a `cpl script` (in a session of its own, `startCPL`) while a
/// pipeline runs, SIGINT and SIGTERM in turn (through cpl's pidfd: once cpl is reaped the rest go
/// nowhere).
@Suite("Signal storms at a script")
struct SignalStormTests {
    static func storm(at cpl: ChildProcess, target: SignalTarget = .process) async throws {
        for index in 0..<100 {
            cpl.kill(index.isMultiple(of: 2) ? .interrupt : .terminate, target: target)
            try await Task.sleep(for: .milliseconds(10))  // the pace of the storm, not a wait for anything
        }
    }

    /// Starts `script`, whose pipeline's two stages print their pids (to stderr and stdout).
    static func startWithStages(_ script: String, in directory: String) async throws
        -> (ChildProcess, stages: [Int32], output: LineSequence<StdioPipe>.AsyncIterator)
    {
        let cpl = try startCPL(script, in: directory)
        cpl.stdin?.end()
        var output = cpl.stdout!.lines.makeAsyncIterator()
        var errors = cpl.stderr!.lines.makeAsyncIterator()
        let first = try #require(Int32(try await errors.next() ?? ""))
        let last = try #require(Int32(try await output.next() ?? ""))
        return (cpl, [first, last], output)
    }

    static let stages = "sh -c 'echo $$ >&2; exec sleep 1000' | sh -c 'echo $$; exec cat'"

    static func expectGone(_ stages: [Int32]) async {
        for stage in stages {
            #expect(await eventually { !processIsAlive(stage) }, "stage \(stage) outlived cpl")
            kill(stage, SIGKILL)
        }
    }

    /// At the whole process group, as a terminal's Ctrl-C or a supervisor sends them: the script
    /// and its stages die of the first, as sh's do. (At sh alone, dash and bash leave the stages
    /// running: the next test is that case with an EXIT trap.)
    @Test func aStormAtTheGroupEndsAnUntrappedScriptAndItsStages() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        var (cpl, stages, output) = try await Self.startWithStages("\(Self.stages); echo not reached", in: directory)
        try await Self.storm(at: cpl, target: .processGroup)
        #expect(try await remainingLines(&output) == [])
        let status = try await cpl.waitForExit()
        #expect(status == .signaled(.interrupt) || status == .signaled(.terminate), "\(status)")
        await Self.expectGone(stages)
    }

    /// At cpl alone with an EXIT trap: the trap runs once, the run is cancelled (its stages killed
    /// and reaped), and cpl dies of the signal.
    @Test func aStormAtAScriptWithAnExitTrapRunsItOnceAndLeavesNoStage() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        var (cpl, stages, output) = try await Self.startWithStages(
            "trap 'echo bye' EXIT; \(Self.stages); echo not reached", in: directory)
        try await Self.storm(at: cpl)
        #expect(try await remainingLines(&output) == ["bye"])
        let status = try await cpl.waitForExit()
        #expect(status == .signaled(.interrupt) || status == .signaled(.terminate), "\(status)")
        await Self.expectGone(stages)
    }

    /// Trapped, the signals wait for the foreground pipeline (which reads on undisturbed), and the
    /// traps run after it, at most once per signal sent; then the script goes on to its end.
    @Test func aStormAtATrappingScriptRunsItsTrapsAfterThePipeline() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let cpl = try startCPL(
            "n=0; trap 'n=$((n+1))' INT TERM; sh -c 'echo running; exec cat' | cat; echo \"after $? $n\"", in: directory)
        var output = cpl.stdout!.lines.makeAsyncIterator()
        #expect(try await output.next() == "running")
        try await Self.storm(at: cpl)
        try await cpl.stdin!.write("line\n")
        cpl.stdin!.end()
        let rest = try await remainingLines(&output)
        #expect(rest.first == "line", "\(rest)")
        let fields = rest.dropFirst().first?.split(separator: " ") ?? []
        #expect(rest.count == 2 && fields.count == 3 && fields[0] == "after" && fields[1] == "0", "\(rest)")
        #expect((1...100).contains(Int(fields.last ?? "") ?? 0), "traps run: \(rest)")
        #expect(try await cpl.waitForExit() == .exited(0))
    }
}
