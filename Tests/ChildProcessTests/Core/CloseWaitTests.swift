import ChildProcess
import Glibc
import Synchronization
import Testing

/// What `waitForClose` waits for beyond the output pipes: the end of the child's terminal and the
/// disconnect of its channel, both bounded by `closeTimeout` when a descendant holds them.
@Suite("close waits for the terminal and the channel")
struct CloseWaitTests {
    private final class Flag: Sendable {
        private let value = Atomic(false)
        func set() { value.store(true, ordering: .sequentiallyConsistent) }
        var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
    }

    @Test("waitForClose waits for the terminal's end; all the output is there when it returns")
    func terminalEnd() async throws {
        let (releaseRead, releaseWrite) = try FileDescriptor.pipe()
        defer { try? releaseWrite.close() }
        // The shell exits at once; its background job, which ignores the hangup of the session's
        // end, still holds the terminal and writes to it once released through fd 3.
        let script = #"trap "" HUP; { read line <&3; echo late; } & echo early"#
        let options = SpawnOptions(stdio: [.terminal, .terminal, .terminal, .fd(releaseRead, closeAfterSpawn: true)])
        let child = try ChildProcess.spawn("sh", ["-c", script], options: options)
        let terminal = try #require(child.terminal)
        #expect(try await within { try await child.waitForExit() } == .exited(0))
        let closed = Flag()
        // Runs to its first suspension before the next line: without the terminal in what
        // 'close' waits for, the wait would already have returned.
        let closing = Task.immediate {
            try await child.waitForClose()
            closed.set()
        }
        #expect(!closed.isSet, "waitForClose returned while the terminal was still held")
        try releaseWrite.writeAll(Array("go\n".utf8))
        try await within { try await closing.value }
        #expect(closed.isSet)
        #expect(try await within { try await terminal.text() } == "early\r\nlate\r\n")
    }

    @Test("closeTimeout bounds the wait for a terminal that a grandchild holds, and reports it")
    func terminalHeldPastTheBound() async throws {
        var options = SpawnOptions(stdio: .all(.terminal))
        options.closeTimeout = .milliseconds(100)
        let child = try ChildProcess.spawn("sh", ["-c", #"trap "" HUP; sleep 1000 & echo $!"#], options: options)
        let terminal = try #require(child.terminal)
        var lines = terminal.lines.makeAsyncIterator()
        let line = try #require(try await lines.next())
        let grandchild = try #require(Int32(line.filter(\.isNumber)))
        defer { kill(grandchild, SIGKILL) }
        #expect(try await within { try await child.waitForClose() } == .exited(0))
        #expect(child.closeTimedOut)
        #expect(isRunning(grandchild), "the grandchild still held the terminal when it was closed")
        #expect(try await lines.next() == nil, "the terminal was closed")
    }

    @Test("closeTimeout bounds the wait for a channel that a grandchild holds, and reports it")
    func channelHeldPastTheBound() async throws {
        var options = SpawnOptions(stdio: [.ignore, .pipe, .ignore, .ipc])
        options.closeTimeout = .milliseconds(100)
        // The background sleep inherits only the channel (fd 3): its output goes elsewhere.
        let child = try ChildProcess.spawn("sh", ["-c", "sleep 1000 >/dev/null 2>&1 & echo $!"], options: options)
        var lines = child.stdout!.lines.makeAsyncIterator()
        let grandchild = try #require(Int32(try await lines.next() ?? ""))
        defer { kill(grandchild, SIGKILL) }
        #expect(try await within { try await child.waitForClose() } == .exited(0))
        #expect(child.closeTimedOut)
        #expect(!child.connected)
        #expect(isRunning(grandchild))
        #expect(descriptorTarget(pid: grandchild, 3).hasPrefix("socket:"), "the grandchild held the channel")
    }

    @Test("a channel that ends in time: nothing is reported")
    func channelEndsInTime() async throws {
        var options = SpawnOptions(stdio: [.ignore, .ignore, .ignore, .ipc])
        options.closeTimeout = .seconds(3600)
        let child = try ChildProcess.spawn("true", options: options)
        #expect(try await within { try await child.waitForClose() } == .exited(0))
        #expect(!child.closeTimedOut)
        #expect(!child.connected)
    }

    private func descriptorTarget(pid: Int32, _ descriptor: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let count = readlink("/proc/\(pid)/fd/\(descriptor)", &buffer, buffer.count - 1)
        return String(decoding: buffer[..<max(count, 0)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
