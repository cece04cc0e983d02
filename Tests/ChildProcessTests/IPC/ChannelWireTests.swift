import ChildProcess
import Testing

/// The channel against a peer that writes and reads raw protocol lines: bash with the channel at fd 3
/// (started with `.ipc` in `stdio`, which gives it the channel as `fork` does).
@Suite("IPC: wire protocol against a raw peer")
struct ChannelWireTests {
    static func peer(_ script: String, stdin: StdioOption = .ignore) throws -> ChildProcess {
        try ChildProcess.spawn("bash", ["-c", script], options: SpawnOptions(stdio: [stdin, .pipe, .inherit, .ipc]))
    }

    /// Each message, or the error the sequence threw for it, until the end.
    static func outcomes(_ messages: IPCChannel.Messages) async -> [String] {
        var outcomes: [String] = []
        var iterator = messages.makeAsyncIterator()
        while true {
            do throws(IPCError) {
                guard let message = try await iterator.next() else { return outcomes }
                outcomes.append(message.value.description)
            } catch {
                guard case .invalidMessage = error else { return outcomes + ["unexpected \(error)"] }
                outcomes.append("invalid")
            }
        }
    }

    // Which cuts a read sees depends on scheduling; the channel frames with `JSONLineDecoder`, whose
    // tests try every cut.
    @Test("lines written in pieces cut inside a UTF-8 sequence, and many lines in one write, arrive in order")
    func framing() async throws {
        try await within {
            let child = try Self.peer(#"""
                printf '{"split":' >&3
                printf '"val\xc3' >&3
                printf '\xa9"}\n1\n2\n"three"\n' >&3
                """#)
            #expect(await Self.outcomes(child.messages) == [#"{"split":"valé"}"#, "1", "2", #""three""#])
            try await child.waitForClose()
        }
    }

    @Test("a line that is not JSON is thrown once and the sequence goes on; a final fragment is dropped")
    func invalidLines() async throws {
        try await within {
            let child = try Self.peer(#"printf 'not json\n\n{"a":1}\n{"fragment":' >&3"#)
            #expect(await Self.outcomes(child.messages) == ["invalid", "invalid", #"{"a":1}"#])
            try await child.waitForClose()
        }
    }

    @Test("a NODE_HANDLE without a descriptor is answered with NODE_HANDLE_NACK and not delivered")
    func nackWithoutDescriptor() async throws {
        try await within {
            let child = try Self.peer(#"""
                printf '{"cmd":"NODE_HANDLE","type":"net.Server","msg":"lost"}\n"after"\n' >&3
                IFS= read -r answer <&3; printf '%s\n' "$answer"
                """#)
            #expect(await Self.outcomes(child.messages) == [#""after""#])
            #expect(try await child.stdout!.text() == #"{"cmd":"NODE_HANDLE_NACK"}"# + "\n")
            try await child.waitForClose()
        }
    }

    @Test("sends after a handle wait for its NODE_HANDLE_ACK; the handle message is Node's")
    func heldUntilAcknowledged() async throws {
        try await within {
            let server = try TCPServer.listen()
            // Told on stdin that the second send was made, the peer looks whether it is in the
            // socket already (`read -t 0` only tests for input), then acknowledges the handle.
            let child = try Self.peer(#"""
                IFS= read -r first <&3; printf '%s\n' "$first"
                IFS= read -r sent
                if read -t 0 <&3; then echo early; else echo held; fi
                printf '{"cmd":"NODE_HANDLE_ACK"}\n' >&3
                IFS= read -r second <&3; printf '%s\n' "$second"
                """#, stdin: .pipe)
            var lines = child.stdout!.lines.makeAsyncIterator()
            let first = Task { try await child.send("with handle", handle: .server(server)) }
            #expect(try await lines.next() == #"{"cmd":"NODE_HANDLE","type":"net.Server","msg":"with handle"}"#)
            // An immediate task runs until its first suspension before this line goes on: the send
            // is made (held, or written to the socket) before the peer is told to look.
            let second = Task.immediate { try await child.send("second") }
            try await child.stdin!.write("sent\n")
            #expect(try await lines.next() == "held")
            try await first.value
            try await second.value
            #expect(try await lines.next() == #""second""#)
            // A passed server stays open in the sender.
            #expect(server.address != nil)
            server.close()
            try await child.waitForClose()
        }
    }

    @Test("a handle rejected every time (1 + 3 retransmissions) fails with handleRejected")
    func handleRejected() async throws {
        try await within {
            let server = try TCPServer.listen()
            let child = try Self.peer(#"""
                while IFS= read -r line <&3; do echo "$line"; printf '{"cmd":"NODE_HANDLE_NACK"}\n' >&3; done 2>/dev/null
                """#)
            do throws(IPCError) {
                try await child.send("unwanted", handle: .server(server))
                Issue.record("send succeeded")
            } catch {
                guard case .handleRejected = error else { throw error }
            }
            // The queue moves on.
            try await child.send("after")
            child.disconnect()
            let lines = try await child.stdout!.text().split(separator: "\n")
            #expect(lines.count == 5)
            #expect(lines.last == #""after""#)
            try await child.waitForClose()
            server.close()
        }
    }

    @Test("large messages go out in pieces as the peer reads; disconnect flushes what is queued")
    func backpressureAndFlush() async throws {
        try await within {
            // The peer reads nothing until told on stdin, after the disconnect.
            let child = try Self.peer("read -r go; wc -c <&3", stdin: .pipe)
            let big = JSONValue.string(String(repeating: "é", count: 1 << 20))
            // Immediate tasks run until their first suspension before this line goes on: each
            // send is queued (2 MiB each; the socket holds far less) before the disconnect.
            let sends = (0..<3).map { _ in Task.immediate { try await child.send(big) } }
            child.disconnect()
            try await child.stdin!.write("go\n")
            for send in sends { try await send.value }
            let expected = 3 * (big.serializedLine().count)
            #expect(try await child.stdout!.text().split(separator: "\n").first == "\(expected)"[...])
            try await child.waitForClose()
        }
    }
}
