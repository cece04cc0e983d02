import ChildProcess
import Testing

/// A Swift parent forking Swift children (roles of ChildProcessFixture).
@Suite("IPC: Swift parent, Swift child")
struct SwiftChildTests {
    static let awkwardValues: [JSONValue] = [
        "plain", "two\nlines\r\nand a tab\t", "héllo wörld ✓ 日本語 😀", "line\u{2028}separator",
        .string(JSONString(utf16CodeUnits: [0x61, 0xD800, 0x62])), "", 0, -1.5, 1e21, true, false, .null,
        [], [1, "two", [3]], [:], ["nested": ["deep": ["value": "ü"]], "list": [1, 2, 3]],
    ]

    @Test("every kind of JSON value comes back unchanged, in order")
    func echo() async throws {
        try await within {
            let child = try IPCTest.fork("ipc-echo")
            var replies = child.messages.makeAsyncIterator()
            for value in Self.awkwardValues {
                try await child.send(value)
                #expect(try await replies.next()?.value == value)
            }
            child.disconnect()
            #expect(try await child.waitForClose() == .exited(0))
        }
    }

    @Test("a thousand pipelined messages arrive complete and in order")
    func pipelined() async throws {
        try await within {
            let child = try IPCTest.fork("ipc-uppercase")
            let texts = (0..<1000).map { "message \($0): ünïcödé\nsecond line" }
            async let replies: [JSONValue] = {
                var values: [JSONValue] = []
                for try await message in child.messages {
                    values.append(message.value)
                    if values.count == texts.count { break }
                }
                return values
            }()
            for text in texts { try await child.send(.string(text)) }
            #expect(try await replies == texts.map { .string($0.uppercased()) })
            child.disconnect()
            try await child.waitForClose()
        }
    }

    struct Point: Codable, Equatable {
        var x: Int
        var y: Double
        var label: String?
    }

    @Test("Codable values are sent and decoded")
    func codable() async throws {
        try await within {
            let child = try IPCTest.fork("ipc-echo")
            let point = Point(x: 3, y: -0.5, label: "ça")
            try await child.send(point)
            var replies = child.messages.makeAsyncIterator()
            #expect(try await replies.next()?.decode(Point.self) == point)
            child.disconnect()
            try await child.waitForClose()
        }
    }

    @Test("the child finds its channel at fd 3, then removes the variables and sets close-on-exec")
    func childEnvironment() async throws {
        try await within {
            let child = try IPCTest.fork("ipc-environment", ["extra", "args"])
            let report = try #require(try await IPCTest.collect(child.messages).first)
            #expect(report["NODE_CHANNEL_FD"] == "3")
            #expect(report["NODE_CHANNEL_SERIALIZATION_MODE"] == "json")
            #expect(report["removedFromEnvironment"] == true)
            #expect(report["closeOnExec"] == true)
            #expect(report["arguments"] == ["ipc-environment", "extra", "args"])
            #expect(try await child.waitForClose() == .exited(0))
        }
    }

    @Test("spawn with .ipc at another position announces that descriptor")
    func channelAtOtherDescriptor() async throws {
        try await within {
            let options = SpawnOptions(stdio: [.ignore, .ignore, .inherit, .ignore, .ignore, .ipc])
            let child = try ChildProcess.spawn(IPCTest.fixturePath, ["ipc-environment"], options: options)
            #expect(child.stdio.allSatisfy { $0 == nil })
            let report = try #require(try await IPCTest.collect(child.messages).first)
            #expect(report["NODE_CHANNEL_FD"] == "5")
            try await child.waitForClose()
        }
    }

    @Test("messages sent before the child exits are delivered, and the channel then disconnects")
    func messagesBeforeExitAreDelivered() async throws {
        try await within {
            let child = try IPCTest.fork("ipc-environment")
            #expect(try await child.waitForExit() == .exited(0))
            // Usually the channel is closed by now (what was in the socket is read before the exit
            // is published), but not always: a process another thread is starting at that moment
            // holds a copy of every descriptor until its exec, the child's end of this socket too.
            // The end of the channel is an event of its own, as in Node.
            try await child.waitForClose()
            #expect(!child.connected)
            #expect(try await IPCTest.collect(child.messages).count == 1)
        }
    }

    @Test("the parent's disconnect ends the child's messages; close still happens (unlike Node #19433)")
    func parentDisconnects() async throws {
        try await within {
            let child = try IPCTest.fork("ipc-echo")
            try await child.send("ping")
            var replies = child.messages.makeAsyncIterator()
            #expect(try await replies.next()?.value == "ping")
            child.disconnect()
            #expect(!child.connected)
            do {
                try await child.send("after")
                Issue.record("send after disconnect succeeded")
            } catch {
                #expect(IPCTest.isChannelClosed(error))
            }
            #expect(try await replies.next() == nil)
            // The child's loop ended on the disconnect and it exited normally.
            #expect(try await child.waitForClose() == .exited(0))
        }
    }

    @Test("the child's disconnect ends the parent's messages while the child still runs")
    func childDisconnects() async throws {
        try await within {
            // The child lives until its stdin ends.
            let child = try IPCTest.fork("ipc-disconnect", stdin: .pipe)
            #expect(try await IPCTest.collect(child.messages) == ["bye"])
            #expect(!child.connected)
            await child.channel?.waitForDisconnect()
            #expect(child.exitStatus == nil, "the messages ended with the child's exit, not its disconnect")
            child.stdin!.end()
            // Exit code 0: the child's own sequence ended and its late send threw channelClosed.
            #expect(try await child.waitForClose() == .exited(0))
        }
    }

    @Test("a child killed in the middle of a message yields disconnect and exit, never a hang")
    func killedMidMessage() async throws {
        try await within {
            let child = try IPCTest.fork("ipc-flood")
            var received = 0
            for try await message in child.messages {
                #expect(message.value.stringValue?.count == 65536)
                received += 1
                if received == 3 { child.kill(.kill) }
            }
            #expect(received >= 3)
            #expect(!child.connected)
            #expect(try await child.waitForClose() == .signaled(.kill))
        }
    }

    @Test("NODE_ messages never surface; a 5-character NODE_ or other cmd does")
    func internalMessagesFiltered() async throws {
        try await within {
            let child = try IPCTest.fork("ipc-echo")
            var replies = child.messages.makeAsyncIterator()
            for message: JSONValue in [["cmd": "NODE_TEST_INTERNAL"], ["cmd": "NODE_"], ["cmd": "node_x"], ["cmd": 42]] {
                try await child.send(message)
            }
            try await child.send("last")
            var echoed: [JSONValue] = []
            while let reply = try await replies.next() {
                echoed.append(reply.value)
                if reply.value == "last" { break }
            }
            #expect(echoed == [["cmd": "NODE_"], ["cmd": "node_x"], ["cmd": 42], "last"])
            child.disconnect()
            try await child.waitForClose()
        }
    }

    @Test("cancelling a task that waits for a message ends its iteration; the channel stays usable")
    func cancelledWait() async throws {
        try await within {
            let child = try IPCTest.fork("ipc-echo")
            // An immediate task runs until its first suspension before this line goes on: it is
            // waiting for a message (ipc-echo sends none unasked) when it is cancelled.
            let waiting = Task.immediate { try await IPCTest.collect(child.messages) }
            waiting.cancel()
            #expect(try await waiting.value.isEmpty)
            try await child.send("still open")
            var replies = child.messages.makeAsyncIterator()
            #expect(try await replies.next()?.value == "still open")
            child.disconnect()
            try await child.waitForClose()
        }
    }

    @Test("a child without a channel: send throws, messages is empty")
    func noChannel() async throws {
        try await within {
            let child = try ChildProcess.spawn("true", options: SpawnOptions(stdio: .all(.ignore)))
            #expect(child.channel == nil && !child.connected)
            do {
                try await child.send("x")
                Issue.record("send without a channel succeeded")
            } catch {
                #expect(IPCTest.isChannelClosed(error))
            }
            #expect(try await IPCTest.collect(child.messages).isEmpty)
            try await child.waitForClose()
        }
    }
}
