import ChildProcess
import Glibc
import Testing

/// Descriptors and processes running out. The limits are lowered in a fixture process of its own
/// (`starve-descriptors`, `starve-processes`), never in the test runner, whose other tests would
/// fail with them.
@Suite("Starvation: descriptor and process limits")
struct StarvationTests {
    /// The ways the fixture starts a child (`StartKind.all` there).
    static let kinds = ["spawn", "spawn-ignored", "spawnSync", "execFile", "parent-death", "terminal", "fork"]

    /// `recovered KIND OUTCOME` lines, by kind.
    static func recovered(_ lines: [Substring]) -> [String: String] {
        var outcomes: [String: String] = [:]
        for line in lines where line.hasPrefix("recovered ") {
            let fields = line.split(separator: " ", maxSplits: 2)
            if fields.count == 3 { outcomes[String(fields[1])] = String(fields[2]) }
        }
        return outcomes
    }

    /// The numbers of the `fds …` line.
    static func descriptorCounts(_ lines: [Substring]) -> [Int] {
        lines.first { $0.hasPrefix("fds ") }.map { $0.split(separator: " ").dropFirst().compactMap { Int($0) } } ?? []
    }

    @Test("a descendant that can get no pidfd (EMFILE) is signalled by its pid, not left running by a tree kill")
    func treeWalkWithoutPidfd() async throws {
        let output = try await ChildProcess.execFile(fixturePath, ["starve-tree-walk"]).stdout
        #expect(output == "sent true survivors 0\n")
    }

    // The fixture keeps the table full across awaits, its jobs on the main queue (see
    // `MainQueueExecutor` there): libdispatch's worker-pool monitor traps when it cannot open
    // /proc/self/task/*/stat, and it opens them only while the global executor's pool has work queued.
    @Test("with 0…10 descriptors free, each start works or fails with EMFILE, and leaves every free slot free; with the limit back, all work")
    func descriptors() async throws {
        let maximumFree = 10
        let output = try await ChildProcess.execFile(fixturePath, ["starve-descriptors", "\(maximumFree)"]).stdout
        let lines = output.split(separator: "\n")
        var attempts: [String: [Int: String]] = [:]
        for line in lines where !line.hasPrefix("recovered ") && !line.hasPrefix("fds ") {
            let fields = line.split(separator: " ", maxSplits: 3).map(String.init)
            guard fields.count == 4, let free = Int(fields[1]), let leaked = Int(fields[2]) else {
                Issue.record("unexpected line: \(line)")
                continue
            }
            #expect(leaked == 0, "\(line)")
            #expect(fields[3] == "ok" || fields[3].hasPrefix("EMFILE "), "\(line)")
            attempts[fields[0], default: [:]][free] = fields[3]
        }
        for kind in Self.kinds {
            let outcomes = attempts[kind] ?? [:]
            #expect(outcomes.count == maximumFree + 1, "\(kind): \(outcomes)")
            // A full table fails every way; ten free slots are enough for every way.
            #expect(outcomes[0]?.hasPrefix("EMFILE ") == true, "\(kind) with no descriptor free: \(outcomes[0] ?? "-")")
            #expect(outcomes[maximumFree] == "ok", "\(kind) with \(maximumFree) free: \(outcomes[maximumFree] ?? "-")")
        }
        #expect(Self.recovered(lines) == Dictionary(uniqueKeysWithValues: Self.kinds.map { ($0, "ok") }))
        let counts = Self.descriptorCounts(lines)
        #expect(counts.count == 2 && counts[0] == counts[1], "fds before and after: \(counts)")
    }

    // The table is full for one spawn only (no await in between): libdispatch's once-a-second
    // look at /proc would have to fall inside it.
    @Test("the first spawn with the descriptor table full throws EMFILE from epoll_create1 (the reactor cannot start), and the next one starts it")
    func reactorStart() async throws {
        let output = try await ChildProcess.execFile(fixturePath, ["starve-reactor"]).stdout
        #expect(output == "cold EMFILE epoll_create1\nwarm ok\n")
    }

    @Test("the first signal observation with the descriptor table full throws EMFILE and leaves nothing open, and the next one catches the signal")
    func signalPipe() async throws {
        let output = try await ChildProcess.execFile(fixturePath, ["starve-signals"]).stdout
        #expect(output == "cold EMFILE\nwarm ok\nfds SAME\n")
    }

    /// Root ignores RLIMIT_NPROC, so then the fixture runs as nobody (the library's own uid/gid).
    static var asNonRoot: ExecOptions {
        var options = ExecOptions()
        if getuid() == 0 {
            options.uid = 65534
            options.gid = 65534
        }
        return options
    }

    @Test("the first spawn with a parent-death signal at RLIMIT_NPROC throws EAGAIN from pthread_create (the forking thread cannot start), and the next one starts it")
    func forkingThreadStart() async throws {
        let output = try await ChildProcess.execFile(fixturePath, ["starve-forking-thread"], options: Self.asNonRoot).stdout
        #expect(output == "cold EAGAIN pthread_create\nwarm ok\n")
    }

    @Test("with RLIMIT_NPROC reached, each start fails with EAGAIN and leaks nothing; with the limit back, all work")
    func processes() async throws {
        let output = try await ChildProcess.execFile(fixturePath, ["starve-processes"], options: Self.asNonRoot).stdout
        let lines = output.split(separator: "\n")
        let starvedKinds = ["spawn", "spawn-ignored", "spawnSync", "parent-death", "fork"]
        for kind in starvedKinds {
            let line = lines.first { $0.hasPrefix(kind + " ") }
            #expect(line?.dropFirst(kind.count + 1).hasPrefix("EAGAIN ") == true, "\(kind): \(line ?? "no line")")
        }
        #expect(Self.recovered(lines) == Dictionary(uniqueKeysWithValues: starvedKinds.map { ($0, "ok") }))
        let counts = Self.descriptorCounts(lines)
        #expect(counts.count == 3 && Set(counts).count == 1, "fds before, starved and after: \(counts)")
    }
}
