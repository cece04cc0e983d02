import ChildProcess
import Testing

/// The tasks waiting on a channel or a child: each gets its own value once, and a cancelled one
/// leaves the others waiting.
@Suite("waiters of a channel and a child")
struct MessageWaiterTests {
    @Test("of two tasks waiting for a message, the cancelled one ends at once; the other gets the next message")
    func cancelledWaiterLeavesTheOther() async throws {
        try await within {
            let child = try IPCTest.fork("ipc-echo")
            // Immediate tasks run to their first suspension before the next line: both are
            // registered, in this order, before anything is cancelled or sent.
            let first = Task.immediate { () -> String? in
                var messages = child.messages.makeAsyncIterator()
                return try await messages.next()?.value.stringValue
            }
            let second = Task.immediate { () -> String? in
                var messages = child.messages.makeAsyncIterator()
                return try await messages.next()?.value.stringValue
            }
            first.cancel()
            #expect(try await first.value == nil, "the cancelled waiter ends with the sequence's end")
            try await child.send("for the second")
            #expect(try await second.value == "for the second")
            child.disconnect()
            try await child.waitForClose()
        }
    }

    @Test("fifty concurrent sends each complete once written; a send after the disconnect throws")
    func sendCompletions() async throws {
        try await within {
            let child = try IPCTest.fork("ipc-echo")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<50 { group.addTask { try await child.send(.number(Double(index))) } }
                try await group.waitForAll()
            }
            var replies = child.messages.makeAsyncIterator()
            var received: [Int] = []
            for _ in 0..<50 { received.append(try #require(try await replies.next()?.value.intValue)) }
            #expect(received.sorted() == Array(0..<50))
            child.disconnect()
            var refused = false
            do throws(IPCError) {
                try await child.send("late")
            } catch {
                if case .channelClosed = error { refused = true }
            }
            #expect(refused, "a send after the disconnect throws .channelClosed")
            try await child.waitForClose()
        }
    }

    @Test("many tasks waiting for one exit all get its status")
    func manyExitWaiters() async throws {
        let child = try ChildProcess.spawn("sleep", ["1000"], options: SpawnOptions(stdio: .all(.ignore)))
        let waiters = (0..<20).map { _ in Task.immediate { try await child.waitForExit() } }
        #expect(child.kill(.terminate))
        for waiter in waiters { #expect(try await within { try await waiter.value } == .signaled(.terminate)) }
        #expect(try await child.waitForExit() == .signaled(.terminate), "and a wait after the exit returns at once")
    }
}
