import ChildProcess
import Glibc
import Synchronization
import TestSupport
import Testing

/// Stops and continues reported through SIGCHLD, and signals delivered as callbacks.
@Suite("Job state and process signals")
struct JobStateTests {
    @Test func stopsAndContinuesAreObserved() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        // After SIGCONT the child waits for a flag: an exit right away could hide the continue.
        let child = try ChildProcess.spawn(
            "sh", ["-c", "kill -STOP $$; while [ ! -e \(directory)/flag ]; do sleep 0.01; done"],
            options: SpawnOptions(stdio: [.ignore, .ignore, .inherit]))
        let changes = Mutex<[ChildProcess.JobStateChange]>([])
        try child.observeJobState { change in changes.withLock { $0.append(change) } }
        #expect(await eventually { changes.withLock { $0 } == [.stopped(.stop)] })
        #expect(child.stopSignal == .stop)
        #expect(child.exitStatus == nil)
        child.kill(.continue)
        #expect(await eventually { changes.withLock { $0 } == [.stopped(.stop), .continued] })
        #expect(child.stopSignal == nil)
        try writeFile("\(directory)/flag", "")
        #expect(try await child.waitForExit() == .exited(0))
    }

    @Test func aChildCanKeepAnIgnoredDisposition() async throws {
        // The test process ignores SIGTSTP for a moment (as an interactive shell does); only the
        // children asked to keep it inherit that, on the posix_spawn and on the fork path.
        let previous = signal(SIGTSTP, SIG_IGN)
        defer { signal(SIGTSTP, previous) }
        var keeping = ExecOptions()
        keeping.inheritedSignalDispositions = [.terminalStop]
        var forkPath = keeping
        forkPath.uid = getuid()
        let script = "grep SigIgn /proc/$$/status"
        let tstpBit: UInt64 = 1 << (UInt64(SIGTSTP) - 1)
        func ignored(_ options: ExecOptions) throws -> UInt64 {
            let line = try ChildProcess.execFileSync("sh", ["-c", script], options: options).stdout
            return UInt64(line.split(separator: "\t").last?.split(separator: "\n").first ?? "", radix: 16) ?? .max
        }
        #expect(try ignored(keeping) & tstpBit != 0)
        #expect(try ignored(forkPath) & tstpBit != 0)
        #expect(try ignored(ExecOptions()) == 0)
    }

    @Test func aCaughtSignalCallsItsObserver() async throws {
        let arrivals = Mutex(0)
        let observation = try ProcessSignals.observe(.user2) { signal in
            if signal == .user2 { arrivals.withLock { $0 += 1 } }
        }
        defer { observation.cancel() }
        kill(getpid(), SIGUSR2)
        #expect(await eventually { arrivals.withLock { $0 } == 1 })
        // A witness added after the first observer: each arrival calls the observers in the order
        // they were added, so once the witness has seen the second signal, the cancelled observer
        // would have seen it too.
        let witnessed = Mutex(0)
        let witness = try ProcessSignals.observe(.user2) { _ in witnessed.withLock { $0 += 1 } }
        defer { witness.cancel() }
        observation.cancel()
        kill(getpid(), SIGUSR2)
        #expect(await eventually { witnessed.withLock { $0 } == 1 })
        #expect(arrivals.withLock { $0 } == 1)
    }

    /// A shell asks between commands; a signal sent before it asks is reported then, even if no
    /// thread has run its handler yet (here none can: every thread of the fixture blocks it).
    @Test func aSignalSentBeforeReportArrivalsIsReportedByIt() async throws {
        let output = try await ChildProcess.execFile(fixturePath, ["signal-report-blocked"]).stdout
        #expect(output == "reported 1\n")
    }
}
