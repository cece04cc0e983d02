import ChildProcess
import Glibc
import Testing

/// `StdioPipe.pipe(to:)`: one child's output into another's input through this process.
@Suite("relay: pipe(to:) between children")
struct RelayTests {
    @Test("pipe to pipe: every byte arrives (splice), the destination is ended, the count returned")
    func pipeToPipe() async throws {
        let bytes = 64 << 20
        let producer = try ChildProcess.spawn("head", ["-c", String(bytes), "/dev/zero"], options: SpawnOptions(stdio: [.ignore, .pipe, .inherit]))
        let consumer = try ChildProcess.spawn("wc", ["-c"], options: SpawnOptions(stdio: [.pipe, .pipe, .inherit]))
        let relayed = try await within { try await producer.stdout!.pipe(to: consumer.stdin!) }
        #expect(relayed == bytes)
        #expect(try await consumer.stdout!.text() == "\(bytes)\n")
        #expect(try await producer.waitForExit() == .exited(0))
        #expect(try await consumer.waitForExit() == .exited(0))
    }

    @Test("the bytes are relayed unchanged, in order")
    func contentKept() async throws {
        let script = "i=0; while [ $i -lt 2000 ]; do printf 'line %d \\377\\000\\n' $i; i=$((i + 1)); done"
        let expected = try await ChildProcess.exec(script).stdoutBytes
        let producer = try ChildProcess.spawn("sh", ["-c", script], options: SpawnOptions(stdio: [.ignore, .pipe, .inherit]))
        let consumer = try ChildProcess.spawn("cat", options: SpawnOptions(stdio: [.pipe, .pipe, .inherit]))
        async let received = consumer.stdout!.bytes()
        try await producer.stdout!.pipe(to: consumer.stdin!)
        #expect(try await received == expected)
        #expect(try await consumer.waitForExit() == .exited(0))
    }

    @Test("socket to socket (duplex stdio, which splice cannot join): copied instead")
    func socketToSocket() async throws {
        let producer = try ChildProcess.spawn("sh", ["-c", "head -c 1000000 /dev/zero >&3"], options: SpawnOptions(stdio: [.ignore, .inherit, .inherit, .pipe]))
        let consumer = try ChildProcess.spawn("sh", ["-c", "wc -c <&3"], options: SpawnOptions(stdio: [.ignore, .pipe, .inherit, .pipe]))
        let relayed = try await within { try await producer.stdio[3]!.pipe(to: consumer.stdio[3]!) }
        #expect(relayed == 1_000_000)
        #expect(try await consumer.stdout!.text() == "1000000\n")
        #expect(try await consumer.waitForExit() == .exited(0))
        #expect(try await producer.waitForExit() == .exited(0))
    }

    @Test("end: false leaves the destination open for more")
    func keepsDestinationOpen() async throws {
        let producer = try ChildProcess.spawn("echo", ["first"], options: SpawnOptions(stdio: [.ignore, .pipe, .inherit]))
        let consumer = try ChildProcess.spawn("cat", options: SpawnOptions(stdio: [.pipe, .pipe, .inherit]))
        try await producer.stdout!.pipe(to: consumer.stdin!, end: false)
        try await consumer.stdin!.write("second\n")
        consumer.stdin!.end()
        #expect(try await consumer.stdout!.text() == "first\nsecond\n")
    }

    @Test("a destination whose reader has gone: EPIPE, the destination ended")
    func readerGone() async throws {
        let producer = try ChildProcess.spawn("yes", options: SpawnOptions(stdio: [.ignore, .pipe, .inherit]))
        let consumer = try ChildProcess.spawn("head", ["-c", "10"], options: SpawnOptions(stdio: [.pipe, .pipe, .inherit]))
        await #expect(throws: Errno.brokenPipe) { try await within { try await producer.stdout!.pipe(to: consumer.stdin!) } }
        #expect(try await consumer.stdout!.text() == "y\ny\ny\ny\ny\n")
        producer.kill()
        _ = try await producer.waitForExit()
    }

    @Test("cancelling the task that relays ends the relay at once with EINTR")
    func cancellation() async throws {
        let producer = try ChildProcess.spawn("sleep", ["100"], options: SpawnOptions(stdio: [.ignore, .pipe, .inherit]))
        let consumer = try ChildProcess.spawn("cat", options: SpawnOptions(stdio: [.pipe, .pipe, .inherit]))
        let relay = Task { try await producer.stdout!.pipe(to: consumer.stdin!) }
        relay.cancel()
        await #expect(throws: Errno.interrupted) { try await within { try await relay.value } }
        #expect(try await consumer.stdout!.text() == "")
        producer.kill()
        _ = try await producer.waitForExit()
    }
}
