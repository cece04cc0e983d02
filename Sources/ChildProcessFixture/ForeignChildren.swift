// Children that other code of the same process starts with plain posix_spawn and reaps itself:
// the library watches its own children through pidfds and must never reap, or wait for, these.
import ChildProcess
import Glibc

/// Runs `body` on a thread of its own (not one of the concurrency pool, which it would block).
func onThreadOfItsOwn(_ body: @escaping @Sendable () -> Void) {
    let work = Unmanaged.passRetained(ThreadWork(body)).toOpaque()
    var thread = pthread_t()
    let created = pthread_create(&thread, nil, { context in
        Unmanaged<ThreadWork>.fromOpaque(context!).takeRetainedValue().body()
        return nil
    }, work)
    precondition(created == 0, "pthread_create: \(created)")
    pthread_detach(thread)
}

final class ThreadWork: Sendable {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}

/// What the foreign code saw: children started, reaped by its own waitpid, and with the status
/// they exited with.
struct ForeignTally: Sendable {
    var started = 0
    var reaped = 0
    var statusesMatched = 0
    var firstProblem: String?
}

/// Starts `count` children `sh -c 'exit N'` with posix_spawn, in batches of `batch` that stay
/// unreaped (zombies) while the next batch starts, and reaps each with waitpid(pid).
func runForeignChildren(count: Int, batch: Int) -> ForeignTally {
    var tally = ForeignTally()
    var pending: [(pid: pid_t, code: Int32)] = []
    func reapPending() {
        for (pid, code) in pending {
            var status: Int32 = 0
            var reaped: pid_t
            repeat { reaped = waitpid(pid, &status, 0) } while reaped < 0 && errno == EINTR
            guard reaped == pid else {
                tally.firstProblem = tally.firstProblem ?? "waitpid(\(pid)): \(String(cString: strerror(errno)))"
                continue
            }
            tally.reaped += 1
            // WIFEXITED and WEXITSTATUS, which Swift does not import.
            if status & 0x7f == 0, (status >> 8) & 0xff == code {
                tally.statusesMatched += 1
            } else {
                tally.firstProblem = tally.firstProblem ?? "pid \(pid): status \(status), expected exit \(code)"
            }
        }
        pending = []
    }
    for index in 0..<count {
        let code = Int32(index % 200)
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("sh"), strdup("-c"), strdup("exit \(code)"), nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let error = posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ)
        guard error == 0 else {
            tally.firstProblem = tally.firstProblem ?? "posix_spawn: \(String(cString: strerror(error)))"
            continue
        }
        tally.started += 1
        pending.append((pid, code))
        if pending.count == batch { reapPending() }
    }
    reapPending()
    return tally
}

/// Starts `count` children through the library, four at a time, each `sh -c 'exit N'` in one of
/// the library's ways, and counts those whose status came back right.
func runLibraryChildren(count: Int) async -> (matched: Int, firstProblem: String?) {
    await withTaskGroup(of: String?.self) { group in
        func start(_ index: Int) {
            group.addTask {
                let code = Int32(index % 200)
                let arguments = ["-c", "exit \(code)"]
                do {
                    var status: ExitStatus?
                    switch index % 10 {
                    case 0: status = try ChildProcess.spawnSync("sh", arguments).status
                    case 1:
                        // execFile throws for a non-zero exit; its error carries the status.
                        do throws(ExecError) {
                            _ = try await ChildProcess.execFile("sh", arguments)
                            status = .exited(0)
                        } catch {
                            status = error.status
                        }
                    default:
                        status = try await ChildProcess.spawn("sh", arguments, options: SpawnOptions(stdio: .all(.ignore))).waitForExit()
                    }
                    return status == .exited(code) ? nil : "child \(index): \(String(describing: status)), expected exit \(code)"
                } catch {
                    return "child \(index): \(error)"
                }
            }
        }
        var problems: [String] = []
        var next = 0
        while next < min(4, count) { start(next); next += 1 }
        while let problem = await group.next() {
            if let problem { problems.append(problem) }
            if next < count { start(next); next += 1 }
        }
        return (count - problems.count, problems.first)
    }
}

/// foreign-children N M: N children of posix_spawn (in batches of 50 zombies at a time) while the
/// library runs M of its own. Prints `foreign STARTED REAPED MATCHED library MATCHED zombies Z`,
/// then the first problem of either side, if any.
func foreignChildren(count: Int, libraryCount: Int) async {
    let (foreign, finished) = AsyncStream.makeStream(of: ForeignTally.self)
    onThreadOfItsOwn {
        finished.yield(runForeignChildren(count: count, batch: 50))
        finished.finish()
    }
    let library = await runLibraryChildren(count: libraryCount)
    var tallies = foreign.makeAsyncIterator()
    let tally = await tallies.next() ?? ForeignTally(firstProblem: "the foreign thread ended without a tally")
    print("foreign \(tally.started) \(tally.reaped) \(tally.statusesMatched) library \(library.matched) zombies \(zombieChildren().count)")
    for problem in [tally.firstProblem, library.firstProblem].compactMap({ $0 }) { print(problem) }
}
