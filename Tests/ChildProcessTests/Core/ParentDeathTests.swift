import ChildProcess
import Glibc
import TestSupport
import Testing

/// `parentDeathSignal`: the child dies with the process that started it, even when that process
/// is killed with SIGKILL, and not when the thread that started it ends.
@Suite("dies with its parent")
struct ParentDeathTests {
    @Test("a parent killed with SIGKILL: its child is gone soon after")
    func childDiesWithKilledParent() async throws {
        let parent = try ChildProcess.spawn(fixturePath, ["dies-with-parent"], options: SpawnOptions(stdio: [.pipe, .pipe, .inherit]))
        var lines = parent.stdout!.lines.makeAsyncIterator()
        let line = try await lines.next()
        let child = try #require(Int32(line ?? ""))
        #expect(isRunning(child))
        #expect(parent.kill(.kill))
        #expect(try await within { try await parent.waitForExit() } == .signaled(.kill))
        #expect(await eventually { !isRunning(child) }, "child \(child) outlived its parent")
    }

    @Test("the child outlives the thread that spawned it")
    func childOutlivesSpawningThread() async throws {
        // A thread that spawns `cat` and exits: without a long-lived thread doing the fork, Linux
        // would send the parent-death signal as this thread ends.
        final class Spawned: @unchecked Sendable { var child: ChildProcess?; var task = "" }
        let spawned = Spawned()
        var thread = pthread_t()
        let context = Unmanaged.passRetained(spawned).toOpaque()
        try #require(pthread_create(&thread, nil, { context in
            let spawned = Unmanaged<Spawned>.fromOpaque(context!).takeRetainedValue()
            var options = SpawnOptions(stdio: [.pipe, .pipe, .ignore])
            options.parentDeathSignal = .kill
            spawned.child = try? ChildProcess.spawn("cat", options: options)
            // "PID/task/TID": this thread's entry in /proc.
            var link = [CChar](repeating: 0, count: 64)
            let length = readlink("/proc/thread-self", &link, 63)
            spawned.task = String(decoding: link[..<max(length, 0)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return nil
        }, context) == 0)
        pthread_join(thread, nil)
        let child = try #require(spawned.child)
        // Gone from /proc/self/task once the kernel is done with its exit, parent-death signals included.
        try #require(spawned.task.contains("/task/"))
        #expect(await eventually { access("/proc/\(spawned.task)", F_OK) != 0 })
        // A SIGKILL sent at the thread's exit would be pending now: cat could not answer.
        try await child.stdin!.write("still here\n")
        var lines = child.stdout!.lines.makeAsyncIterator()
        #expect(try await lines.next() == "still here")
        child.stdin!.end()
        #expect(try await within { try await child.waitForExit() } == .exited(0))
    }

    @Test("the parent-death signal is the one asked for, and spawn errors still come back on its path")
    func forkPathErrors() async throws {
        var options = SpawnOptions(stdio: .all(.ignore))
        options.parentDeathSignal = .terminate
        options.cwd = "/nonexistent-directory"
        #expect(throws: SpawnError.self) { try ChildProcess.spawn("true", options: options) }
        options.cwd = nil
        var exec = ExecOptions()
        exec.spawnOptions = options
        let output = try await ChildProcess.execFile("grep", ["-E", "^PPid", "/proc/self/status"], options: exec)
        #expect(output.stdout == "PPid:\t\(getpid())\n")
    }
}
