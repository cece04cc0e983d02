// Resource starvation, done here and never in the test runner: this process lowers its own
// RLIMIT_NOFILE / RLIMIT_NPROC, and every way of starting a child must then fail with a typed
// error, leave no descriptor behind, and work again once the resource is back.
import ChildProcess
import Dispatch
import Glibc

/// One way of starting a child, run to its end; returns what must be deallocated before counting.
struct StartKind: Sendable {
    let name: String
    let run: @Sendable () async throws -> [WeakReference]

    /// Every path of the library that opens descriptors before or while starting a child.
    static let all: [StartKind] = [
        StartKind(name: "spawn") {
            let child = try ChildProcess.spawn("echo", ["hi"])
            try expect(try await child.stdout?.text(), "hi\n")
            try await child.waitForClose()
            return [WeakReference(object: child)] + child.stdio.compactMap { WeakReference(object: $0) }
        },
        StartKind(name: "spawn-ignored") {
            let child = try ChildProcess.spawn("true", options: SpawnOptions(stdio: .all(.ignore)))
            try expect(try await child.waitForExit(), .exited(0))
            return [WeakReference(object: child)]
        },
        StartKind(name: "spawnSync") {
            try expect(try ChildProcess.spawnSync("echo", ["hi"]).stdout, "hi\n")
            return []
        },
        StartKind(name: "execFile") {
            try expect(try await ChildProcess.execFile("echo", ["hi"]).stdout, "hi\n")
            return []
        },
        // The fork path (a report pipe, the forking thread) instead of posix_spawn.
        StartKind(name: "parent-death") {
            var options = SpawnOptions(stdio: [.ignore, .pipe, .ignore])
            options.parentDeathSignal = .kill
            let child = try ChildProcess.spawn("echo", ["hi"], options: options)
            try expect(try await child.stdout?.text(), "hi\n")
            try await child.waitForClose()
            return [WeakReference(object: child)] + child.stdio.compactMap { WeakReference(object: $0) }
        },
        StartKind(name: "terminal") {
            let child = try ChildProcess.spawn("echo", ["hi"], options: SpawnOptions(stdio: .all(.terminal)))
            try expect(try await child.terminal?.bytes(), Array("hi\r\n".utf8))
            try await child.waitForExit()
            return [WeakReference(object: child), WeakReference(object: child.terminal)]
        },
        StartKind(name: "fork") {
            let child = try ChildProcess.fork("ipc-echo", options: ForkOptions(stdio: [.ignore, .ignore, .inherit, .ipc]))
            var messages = child.messages.makeAsyncIterator()
            try await child.send("ping")
            try expect(try await messages.next()?.value, "ping")
            child.disconnect()
            try await child.waitForClose()
            return [WeakReference(object: child), WeakReference(object: child.channel)]
        },
    ]
}

struct UnexpectedResult: Error, CustomStringConvertible {
    let description: String
}

func expect<T: Equatable>(_ actual: T?, _ expected: T) throws(UnexpectedResult) {
    guard actual == expected else { throw UnexpectedResult(description: "got \(String(describing: actual))") }
}

/// How a start failed: the errno code and syscall of the `SpawnError` inside whatever the API threw.
func failureSummary(_ error: any Error) -> String {
    let spawnError: SpawnError? = switch error {
    case let error as SpawnError: error
    case let error as ExecError: if case .spawnFailed(let inner) = error.reason { inner } else { nil }
    case let error as IPCError: if case .spawnFailed(let inner) = error { inner } else { nil }
    default: nil
    }
    guard let spawnError else { return "unexpected \(error)" }
    return "\(spawnError.code) \(spawnError.syscall)"
}

func outcome(of kind: StartKind) async -> (summary: String, objects: [WeakReference]) {
    do {
        return ("ok", try await kind.run())
    } catch {
        return (failureSummary(error), [])
    }
}

func softLimit(_ resource: __rlimit_resource) -> rlimit {
    var limit = rlimit()
    getrlimit(__rlimit_resource_t(resource.rawValue), &limit)
    return limit
}

func setSoftLimit(_ resource: __rlimit_resource, to value: rlim_t) {
    var limit = softLimit(resource)
    limit.rlim_cur = value
    guard setrlimit(__rlimit_resource_t(resource.rawValue), &limit) == 0 else {
        print("setrlimit \(resource.rawValue) \(value): \(String(cString: strerror(errno)))")
        exit(3)
    }
}

/// Opens /dev/null until the descriptor table is full (EMFILE); returns what it opened.
func fillDescriptorTable() -> [Int32] {
    var opened: [Int32] = []
    while true {
        let fd = open("/dev/null", O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            guard errno == EMFILE else { print("open: \(String(cString: strerror(errno)))"); exit(3) }
            return opened
        }
        opened.append(fd)
    }
}

/// starve-descriptors MAXFREE: with the descriptor table full but for 0…MAXFREE slots, start a
/// child each way. One line per attempt: `KIND FREE LEAKED OUTCOME`, where LEAKED is how many of
/// the free slots the attempt left taken (the table is refilled to count them, without /proc) and
/// OUTCOME is `ok` or `CODE SYSCALL`. Then the limit goes back: `recovered KIND OUTCOME` lines,
/// and `fds BEFORE AFTER` (the table before the starvation and after it).
///
/// The table stays full across awaits here, so every job runs on `MainQueueExecutor` and every
/// pause is `pauseOnMainQueue()`: libdispatch's worker-pool monitor then never finds work queued
/// in the pools it watches, and never opens a file.
func starveDescriptors(maximumFree: Int) async {
    await withTaskExecutorPreference(MainQueueExecutor()) {
        // Starts the reactor, the forking thread, the runtime's own descriptors and the timer
        // source of the pauses.
        for kind in StartKind.all { await waitUntilDeallocated(await outcome(of: kind).objects, pause: pauseOnMainQueue) }
        await pauseOnMainQueue()
        let before = openDescriptorCount()
        let original = softLimit(RLIMIT_NOFILE).rlim_cur
        setSoftLimit(RLIMIT_NOFILE, to: 256)
        var filler = fillDescriptorTable()
        for kind in StartKind.all {
            for free in 0...maximumFree {
                for fd in filler.suffix(free) { close(fd) }
                filler.removeLast(free)
                let (summary, objects) = await outcome(of: kind)
                await waitUntilDeallocated(objects, pause: pauseOnMainQueue)
                // What an async call opened is closed as its objects go, which the reactor thread
                // may do a moment after the call returned (execFile's child): wait for that (60 s at
                // most: a hang guard, which a loaded machine running the whole suite beside this
                // must not reach).
                var refilled = fillDescriptorTable()
                let deadline = ContinuousClock.now + .seconds(60)
                while refilled.count < free, ContinuousClock.now < deadline {
                    for fd in refilled { close(fd) }
                    await pauseOnMainQueue()
                    refilled = fillDescriptorTable()
                }
                filler += refilled
                print("\(kind.name) \(free) \(free - refilled.count) \(summary)")
            }
        }
        for fd in filler { close(fd) }
        setSoftLimit(RLIMIT_NOFILE, to: original)
        for kind in StartKind.all {
            let (summary, objects) = await outcome(of: kind)
            await waitUntilDeallocated(objects)
            print("recovered \(kind.name) \(summary)")
        }
        print("fds \(before) \(openDescriptorCount())")
    }
}

/// Runs jobs on the main queue, which libdispatch serves from its overcommit pool. Its monitor of
/// the other pools (the global concurrent executor's) reads /proc/self/task/TID/stat once a second
/// while one of them holds queued work, and traps when the open fails, as it does with the
/// descriptor table full; the jobs of a task that prefers this executor never queue there.
final class MainQueueExecutor: TaskExecutor {
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        DispatchQueue.main.async { job.runSynchronously(on: executor) }
    }
}

/// A millisecond's pause whose wake-up comes through the main queue, where `Task.sleep`'s comes
/// through the global executor's pool (see `MainQueueExecutor`).
func pauseOnMainQueue() async {
    await withCheckedContinuation { continuation in
        DispatchQueue.main.asyncAfter(deadline: .now() + .milliseconds(1)) { continuation.resume() }
    }
}

/// starve-reactor: the first spawn of this process, with the descriptor table full, cannot start
/// the reactor (its epoll descriptor): `cold OUTCOME`, which must be the typed `EMFILE
/// epoll_create1`. With the table free again the reactor starts on the next spawn: `warm OUTCOME`.
/// The children inherit every descriptor, so that the reactor is the first thing a spawn opens.
@MainActor func starveReactor() async {
    await spawnColdThenWarm(starvedOf: RLIMIT_NOFILE, options: SpawnOptions(stdio: .all(.inherit)))
}

/// Runs `body` starved of `resource`: with the descriptor table full (RLIMIT_NOFILE) or at one
/// process for this user (RLIMIT_NPROC). The roles call it on the main thread before their first
/// suspension: the concurrency runtime's pool has not started then (the process has this thread
/// and those the library started), so none of its threads can meet the starvation instead
/// (libdispatch traps when its once-a-second look at /proc/self/task cannot open a file, or when
/// a worker cannot start).
@MainActor func whileStarved(of resource: __rlimit_resource, _ body: () -> Void) {
    let original = softLimit(resource).rlim_cur
    var filler: [Int32] = []
    if resource == RLIMIT_NOFILE {
        setSoftLimit(resource, to: 256)
        filler = fillDescriptorTable()
    } else {
        setSoftLimit(resource, to: 1)
    }
    body()
    for fd in filler { close(fd) }
    setSoftLimit(resource, to: original)
}

/// starve-processes: with RLIMIT_NPROC at 1 (this user may not start another process or thread;
/// root is exempt, so the test runs this role as another user), start a child each way that does
/// not need a thread while starved. One line per kind: `KIND OUTCOME`; then `recovered KIND
/// OUTCOME` once the limit is back, and `fds BEFORE STARVED AFTER` (before the limit, after the
/// failed starts, and at the end).
func starveProcesses() async {
    guard getuid() != 0 else {
        print("root ignores RLIMIT_NPROC")
        exit(3)
    }
    let kinds = StartKind.all.filter { ["spawn", "spawn-ignored", "spawnSync", "parent-death", "fork"].contains($0.name) }
    for kind in kinds { await waitUntilDeallocated(await outcome(of: kind).objects) }
    let before = openDescriptorCount()
    let original = softLimit(__RLIMIT_NPROC).rlim_cur
    setSoftLimit(__RLIMIT_NPROC, to: 1)
    // Only the synchronous start runs while starved: an await could need a new worker thread.
    // A start that unexpectedly succeeds is finished once the limit is back.
    var started: [ChildProcess] = []
    func attempt(_ name: String, _ start: () throws -> ChildProcess?) {
        do {
            if let child = try start() { started.append(child) }
            print("\(name) ok")
        } catch {
            print("\(name) \(failureSummary(error))")
        }
    }
    attempt("spawn") { try ChildProcess.spawn("echo", ["hi"]) }
    attempt("spawn-ignored") { try ChildProcess.spawn("true", options: SpawnOptions(stdio: .all(.ignore))) }
    attempt("spawnSync") { _ = try ChildProcess.spawnSync("echo", ["hi"]); return nil }
    attempt("parent-death") {
        var options = SpawnOptions(stdio: .all(.ignore))
        options.parentDeathSignal = .kill
        return try ChildProcess.spawn("true", options: options)
    }
    attempt("fork") { try ChildProcess.fork("ipc-echo", options: ForkOptions(stdio: [.ignore, .ignore, .inherit, .ipc])) }
    let starved = openDescriptorCount()
    setSoftLimit(__RLIMIT_NPROC, to: original)
    for child in started {
        child.channel?.disconnect()
        _ = try? await child.waitForClose()
    }
    started = []
    for kind in kinds {
        let (summary, objects) = await outcome(of: kind)
        await waitUntilDeallocated(objects)
        print("recovered \(kind.name) \(summary)")
    }
    print("fds \(before) \(starved) \(openDescriptorCount())")
}

/// starve-tree-walk: a tree kill while pidfd_open fails. The child (sh) has three children; with
/// the descriptor table full but for two slots, the walk reads the child's /proc entries (two
/// descriptors, closed again), gets pidfds for the first two children and none for the third
/// (EMFILE): that one must be signalled by its pid, not left out. Prints `sent BOOL survivors N`,
/// N the grandchildren still running (by then a SIGKILL has had all the time it needs).
///
/// Synchronous throughout, unlike `starve-descriptors`: with no task ever started, libdispatch has
/// no worker pool, whose monitor traps when it meets a full table.
func starveTreeWalk() throws {
    let (readEnd, writeEnd) = try FileDescriptor.pipe()
    defer { try? readEnd.close() }
    let script = "for i in 1 2 3; do sleep 1000 >/dev/null & pids=\"$pids $!\"; done; echo $pids; wait"
    let child = try ChildProcess.spawn("sh", ["-c", script],
                                       options: SpawnOptions(stdio: [.ignore, .fd(writeEnd, closeAfterSpawn: true), .inherit]))
    var line: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 64)
    while !line.contains(UInt8(ascii: "\n")), let count = try? buffer.withUnsafeMutableBytes({ try readEnd.read(into: $0) }), count > 0 {
        line += buffer[..<count]
    }
    let grandchildren = String(decoding: line, as: UTF8.self).split { $0 == " " || $0 == "\n" }.compactMap { Int32($0) }
    guard grandchildren.count == 3 else {
        print("grandchildren: \(String(decoding: line, as: UTF8.self).debugDescription)")
        child.kill(.kill, target: .processTree)
        exit(3)
    }
    let original = softLimit(RLIMIT_NOFILE).rlim_cur
    setSoftLimit(RLIMIT_NOFILE, to: 256)
    var filler = fillDescriptorTable()
    for fd in filler.suffix(2) { close(fd) }
    filler.removeLast(2)
    let sent = child.kill(.kill, target: .processTree)
    for fd in filler { close(fd) }
    setSoftLimit(RLIMIT_NOFILE, to: original)
    let deadline = ContinuousClock.now + .seconds(60)
    while grandchildren.contains(where: isRunning), ContinuousClock.now < deadline { usleep(1000) }
    let survivors = grandchildren.filter(isRunning)
    print("sent \(sent) survivors \(survivors.count)")
    // Still ours (sleep 1000, alive): not left behind by a failing run.
    for pid in survivors { kill(pid, SIGKILL) }
}

/// starve-forking-thread: at RLIMIT_NPROC 1 (run as another user than root, as
/// `starve-processes`), the first spawn with a parent-death signal cannot start the forking
/// thread: `cold OUTCOME`, which must be the typed `EAGAIN pthread_create`. With the limit back
/// the next one starts it: `warm OUTCOME`.
@MainActor func starveForkingThread() async {
    guard getuid() != 0 else {
        print("root ignores RLIMIT_NPROC")
        exit(3)
    }
    // A spawn starts the reactor first: the forking thread is then the one thread the starved spawn
    // needs.
    let reactorStart = spawnTrueOrExit()
    var options = SpawnOptions(stdio: .all(.ignore))
    options.parentDeathSignal = .kill
    await spawnColdThenWarm(starvedOf: __RLIMIT_NPROC, options: options)
    _ = try? await reactorStart.waitForExit()
}

/// starve-signals: the first signal observation, with the descriptor table full, cannot make the
/// signal pipe: `cold OUTCOME`, which must be `EMFILE`. With the table free again the next one
/// makes it, and its observer sees SIGUSR1 raised: `warm OUTCOME`. Then `fds SAME` (or `fds
/// BEFORE AFTER`): the failed observation left no descriptor open.
@MainActor func starveSignals() async {
    // A spawn starts the reactor (its thread and epoll descriptor) first: the pipe is then the only
    // thing the observation opens. Its exit is waited for after the starved moment.
    let reactorStart = spawnTrueOrExit()
    let before = openDescriptorCount()
    whileStarved(of: RLIMIT_NOFILE) {
        do throws(Errno) {
            let observation = try ProcessSignals.observe(.user1) { _ in }
            observation.cancel()
            print("cold ok")
        } catch {
            print("cold \(error.code)")
        }
    }
    let after = openDescriptorCount()
    guard (try? await reactorStart.waitForExit()) == .exited(0) else {
        print("true did not exit 0")
        exit(3)
    }
    let (arrivals, arrived) = AsyncStream<Void>.makeStream()
    do {
        let observation = try ProcessSignals.observe(.user1) { _ in arrived.yield() }
        kill(getpid(), SIGUSR1)
        var iterator = arrivals.makeAsyncIterator()
        await iterator.next()
        observation.cancel()
        print("warm ok")
    } catch {
        print("warm \(error.code)")
    }
    print(before == after ? "fds SAME" : "fds \(before) \(after)")
}

/// A child that starts the reactor (its thread and epoll descriptor), to be waited for later.
private func spawnTrueOrExit() -> ChildProcess {
    do {
        return try ChildProcess.spawn("true", options: SpawnOptions(stdio: .all(.ignore)))
    } catch {
        print("cannot spawn: \(error)")
        exit(3)
    }
}

/// `cold OUTCOME`: a spawn of `true` starved of `resource`; then `warm OUTCOME`, one with it back.
@MainActor private func spawnColdThenWarm(starvedOf resource: __rlimit_resource, options: SpawnOptions) async {
    var started: ChildProcess?
    whileStarved(of: resource) {
        do {
            started = try ChildProcess.spawn("true", options: options)
            print("cold ok")
        } catch {
            print("cold \(failureSummary(error))")
        }
    }
    _ = try? await started?.waitForExit()
    do {
        let child = try ChildProcess.spawn("true", options: options)
        print("warm \(try await child.waitForExit() == .exited(0) ? "ok" : "unexpected status")")
    } catch {
        print("warm \(failureSummary(error))")
    }
}
