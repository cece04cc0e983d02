import ChildProcess
import Glibc
import Testing

/// A peer that breaks the IPC protocol on purpose, written in Python for what bash cannot send
/// (descriptors, exact writes). Malformed JSON, a fragment before EOF and a NODE_HANDLE without a
/// descriptor are in `ChannelWireTests`; these are the rest of the abuse.
@Suite("IPC: an abusive peer")
struct IPCAbuseTests {
    /// Python running `script` with the channel at fd 3 (as `channel`) and `send(bytes, fd=None)`.
    static func peer(_ script: String) throws -> ChildProcess {
        let prelude = """
            import array, os, select, socket, sys
            channel = socket.socket(fileno=3)
            def send(data, fd=None):
                rights = [] if fd is None else [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', [fd]))]
                sent = channel.sendmsg([data], rights)
                channel.sendall(data[sent:])

            """
        return try ChildProcess.spawn("python3", ["-c", prelude + script], options: SpawnOptions(stdio: [.ignore, .pipe, .inherit, .ipc]))
    }

    /// Every message (or `nil` for an invalid line) until the sequence ends; another error ends it.
    static func received(_ messages: IPCChannel.Messages) async -> [IPCMessage?] {
        var received: [IPCMessage?] = []
        var iterator = messages.makeAsyncIterator()
        while true {
            do throws(IPCError) {
                guard let message = try await iterator.next() else { return received }
                received.append(message)
            } catch {
                guard case .invalidMessage = error else {
                    Issue.record("the sequence threw \(error)")
                    return received
                }
                received.append(nil)
            }
        }
    }

    @Test("invalid UTF-8 in a string is replaced by U+FFFD, as Node decodes it; outside a string the line is invalid; the channel goes on")
    func invalidUTF8() async throws {
        try await within {
            let child = try Self.peer(#"send(b'"a\xffb\xc3"\n\xff\xfe\n"after"\n')"#)
            let values = await Self.received(child.messages).map { $0?.value }
            #expect(values == [.string("a\u{FFFD}b\u{FFFD}"), nil, "after"])
            try await child.waitForClose()
        }
    }

    @Test("arrays nested 10,000 deep arrive; one level more is an invalid line; nothing overflows the stack")
    func deepNesting() async throws {
        try await within {
            let depth = JSONParser.defaultMaxDepth
            let child = try Self.peer("""
                for depth in (\(depth), \(depth + 1)):
                    send(b'[' * depth + b']' * depth + b'\\n')
                send(b'"after"\\n')
                """)
            let received = await Self.received(child.messages)
            #expect(received.count == 3)
            var level = received.first??.value
            var levels = 0
            while let array = level?.arrayValue {
                levels += 1
                level = array.first
            }
            #expect(levels == depth)
            #expect(received.dropFirst().map { $0?.value } == [nil, "after"])
            try await child.waitForClose()
        }
    }

    @Test("10,000 messages in one write arrive, in order")
    func manyInOneWrite() async throws {
        try await within {
            let child = try Self.peer("send(b''.join(b'%d\\n' % n for n in range(10000)))")
            let values = await Self.received(child.messages).map { $0?.value.intValue }
            #expect(values == Array(0..<10000))
            try await child.waitForClose()
        }
    }

    @Test("a 64 MiB message arrives whole; a 1 MiB line without its newline, then EOF, is dropped and the sequence ends")
    func largeMessages() async throws {
        try await within {
            let child = try Self.peer(#"send(b'"<' + b'x' * ((64 << 20) - 2) + b'>"\n' + b'"' + b'y' * (1 << 20))"#)
            let received = await Self.received(child.messages)
            #expect(received.count == 1)
            let text = received.first??.value.stringValue
            #expect(text?.utf8.count == 64 << 20)
            #expect(text?.utf8.first == UInt8(ascii: "<") && text?.utf8.last == UInt8(ascii: ">"))
            try await child.waitForClose()
        }
    }

    // In a fixture process of its own, whose memory is its own.
    @Test("receiving a 16 MiB message takes at most 3 times its size at the peak, and its buffers go once it is taken")
    func largeMessageMemory() async throws {
        let output = try await ChildProcess.execFile(fixturePath, ["ipc-large", "16"]).stdout
        let kibibytes = output.split(separator: " ").dropFirst().compactMap { Int($0.filter(\.isNumber)) }
        guard kibibytes.count == 4 else {
            Issue.record("fixture printed \(output)")
            return
        }
        let (before, peak, after) = (kibibytes[0], kibibytes[1], kibibytes[2])
        #expect(peak - before <= 3 * 16 * 1024, "\(output)")
        #expect(after - before <= 4 * 1024, "\(output)")
    }

    @Test("a descriptor sent without NODE_HANDLE is closed at once, never given to a later NODE_HANDLE line; a real handle still arrives")
    func strayDescriptors() async throws {
        try await within {
            let child = try Self.peer(#"""
                answers = channel.makefile('rb')
                # A whole message with a descriptor, then half a message with one (the other half after).
                complete_read, complete_write = os.pipe()
                send(b'"stray"\n', complete_write)
                os.close(complete_write)
                half_read, half_write = os.pipe()
                send(b'{"half":', half_write)
                os.close(half_write)
                send(b'1}\n')
                # A NODE_HANDLE without a descriptor must get neither of them.
                send(b'{"cmd":"NODE_HANDLE","type":"net.Server","msg":"no descriptor"}\n')
                print(answers.readline().decode().strip(), flush=True)
                # The receiver closed both write ends before it answered, so each pipe reaches its end;
                # a child that another thread of the receiver is starting meanwhile holds copies
                # until its exec, so the end is waited for (a leaked copy never ends: 300 s, open).
                ended = lambda end: bool(select.select([end], [], [], 300)[0]) and os.read(end, 1) == b''
                print(' '.join('closed' if ended(end) else 'open' for end in (complete_read, half_read)), flush=True)
                server = socket.create_server(('127.0.0.1', 0))
                print(server.getsockname()[1], flush=True)
                send(b'{"cmd":"NODE_HANDLE","type":"net.Server","msg":"real"}\n', server.fileno())
                print(answers.readline().decode().strip(), flush=True)
                """#)
            let received = await Self.received(child.messages)
            let lines = try await child.stdout!.text().split(separator: "\n").map(String.init)
            #expect(received.map { $0?.value } == ["stray", ["half": 1], "real"])
            #expect(received.map { $0?.handle == nil } == [true, true, false])
            guard lines.count == 4 else {
                Issue.record("peer printed \(lines)")
                return
            }
            #expect(lines[0] == #"{"cmd":"NODE_HANDLE_NACK"}"#)
            #expect(lines[1] == "closed closed")
            let server = received.last??.handle?.server
            #expect(server?.address?.port == UInt16(lines[2]))
            server?.close()
            #expect(lines[3] == #"{"cmd":"NODE_HANDLE_ACK"}"#)
            try await child.waitForClose()
        }
    }
}
