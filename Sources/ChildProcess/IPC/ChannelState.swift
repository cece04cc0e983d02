import CChildProcessShims
import Glibc

/// The bookkeeping of one channel, always used under its lock: the write queue with Node's
/// handle-acknowledgement gate, the received messages and the tasks waiting for them. The only I/O
/// here is non-blocking `sendmsg`/`recvmsg`, done under the lock so that closing the socket can
/// never race with a call still using its number, and the close of a received descriptor that no
/// NODE_HANDLE line claimed.
struct ChannelState {
    enum Phase {
        case open
        /// `disconnect()` was called: no new sends, but what is queued is still written.
        case disconnecting
        case closed
    }
    private(set) var phase = Phase.open

    /// Lines being written, in order.
    private var writing = FIFO<OutgoingMessage>()
    /// Sends made while a handle is unacknowledged: Node's `_handleQueue`.
    private var held = FIFO<OutgoingMessage>()
    /// The handle message written and waiting for NODE_HANDLE_ACK / NACK.
    private var unacknowledged: OutgoingMessage?
    /// From the moment a handle is queued until its answer: later sends are held.
    private var handleInFlight = false
    private var waitingForWritable = false

    /// Descriptors received with earlier reads and not yet claimed by a NODE_HANDLE line, each
    /// with the number of the last line that may still claim it. The kernel delivers a descriptor
    /// with the read that holds the start of the bytes sent with it (never two such sends in one
    /// read), and Node sends a NODE_HANDLE line and its descriptor together; so a descriptor
    /// belongs to a line of its own read, or to the line that read left incomplete. Past that line
    /// it came without a NODE_HANDLE line, and is closed instead of being given to a later one.
    private var receivedDescriptors = FIFO<(descriptor: FileDescriptor, lastLine: UInt64)>()
    /// Descriptors of the read being dispatched: any of its lines may claim them.
    private var descriptorsOfThisRead: [FileDescriptor] = []
    /// Number of the line being dispatched (lines are numbered from 1, in the order received).
    private var lineNumber: UInt64 = 0
    private var inbox = FIFO<Result<IPCMessage, IPCError>>()
    private var consumers: [ChannelEffects.Consumer] = []
    private var socketLists = ReceivedSocketLists()

    /// Node retransmits a rejected handle this many times (MAX_HANDLE_RETRANSMISSIONS).
    private static let maximumRejections = 3

    private var isIdle: Bool { writing.isEmpty && held.isEmpty && !handleInFlight }

    // MARK: Sending

    mutating func submit(_ message: OutgoingMessage, on socket: FileDescriptor, _ effects: inout ChannelEffects) {
        let isAnswer = message.completion == nil
        guard phase == .open || (isAnswer && phase == .disconnecting) else {
            if let completion = message.completion { effects.completions.append((completion, .failure(.channelClosed))) }
            return
        }
        // The channel's own answers (ACK/NACK, socket counts) are never held: the other side's
        // queue may be waiting for them.
        if handleInFlight && !isAnswer {
            held.append(message)
            return
        }
        if message.handle != nil { handleInFlight = true }
        writing.append(message)
        flush(on: socket, &effects)
    }

    mutating func disconnect(_ effects: inout ChannelEffects) {
        guard phase == .open else { return }
        phase = .disconnecting
        if isIdle { effects.shutDown = .orderly }
    }

    mutating func writable(on socket: FileDescriptor, _ effects: inout ChannelEffects) {
        waitingForWritable = false
        flush(on: socket, &effects)
    }

    private mutating func flush(on socket: FileDescriptor, _ effects: inout ChannelEffects) {
        guard phase != .closed, !waitingForWritable else { return }
        while var message = writing.first {
            switch message.send(on: socket) {
            case .sent(let count):
                message.written += count
                if message.written < message.bytes.count {
                    writing.replaceFirst(with: message)
                    continue
                }
                _ = writing.popFirst()
                if message.handle != nil {
                    unacknowledged = message
                } else if let completion = message.completion {
                    effects.completions.append((completion, .success(())))
                }
            case .wouldBlock:
                waitingForWritable = true
                effects.armWritable = true
                return
            case .handleClosed:
                _ = writing.popFirst()
                if let completion = message.completion { effects.completions.append((completion, .failure(.handleClosed))) }
                handleInFlight = false
                releaseHeld()
            case .failed(let error):
                // EPIPE / ECONNRESET: the other process has gone; its EOF will be read next anyway.
                let peerGone = error == .brokenPipe || error.rawValue == ECONNRESET
                effects.shutDown = peerGone ? .orderly : .failed(error)
                return
            }
        }
        if phase == .disconnecting && isIdle { effects.shutDown = .orderly }
    }

    /// The other side's answer to the handle in flight.
    mutating func acknowledge(received: Bool, on socket: FileDescriptor, _ effects: inout ChannelEffects) {
        guard var message = unacknowledged, let completion = message.completion else { return }
        unacknowledged = nil
        if received {
            effects.completions.append((completion, .success(())))
            if !message.keepOpen, let connection = message.handle?.connection {
                effects.connectionsToClose.append(connection)
            }
        } else if message.rejections < Self.maximumRejections {
            message.rejections += 1
            message.written = 0
            writing.append(message)
            flush(on: socket, &effects)
            return
        } else {
            effects.completions.append((completion, .failure(.handleRejected)))
        }
        handleInFlight = false
        releaseHeld()
        flush(on: socket, &effects)
    }

    /// Moves held sends to the write queue, up to and including the next one with a handle.
    private mutating func releaseHeld() {
        while !handleInFlight, let message = held.popFirst() {
            if message.handle != nil { handleInFlight = true }
            writing.append(message)
        }
    }

    // MARK: Receiving

    enum Reception {
        case received(Int)
        case wouldBlock
        case end
        case failed(Errno)
        case closed
    }

    /// One non-blocking `recvmsg` into `buffer`; descriptors that came with it are kept in order.
    mutating func receive(from socket: FileDescriptor, into buffer: inout [UInt8]) -> Reception {
        guard phase != .closed else { return .closed }
        var descriptors = [Int32](repeating: -1, count: 8)
        var descriptorCount: Int32 = 0
        let (count, error) = buffer.withUnsafeMutableBytes { buffer in
            let count = cp_receive_with_descriptors(socket.rawValue, buffer.baseAddress, buffer.count, &descriptors,
                                                    Int32(descriptors.count), &descriptorCount)
            return (count, Errno.current)
        }
        for descriptor in descriptors.prefix(Int(descriptorCount)) {
            descriptorsOfThisRead.append(FileDescriptor(rawValue: descriptor))
        }
        if count > 0 { return .received(count) }
        if count == 0 || error.rawValue == ECONNRESET { return .end }
        return error == .wouldBlock ? .wouldBlock : .failed(error)
    }

    /// Counts a line received, before it is dispatched.
    mutating func beginLine() {
        lineNumber += 1
    }

    /// Called once the lines a read completed are dispatched: its unclaimed descriptors may go
    /// only to the line it left incomplete, if any; the ones no later line may claim are closed.
    mutating func endRead(leavingLineIncomplete incomplete: Bool) {
        let lastLine = incomplete ? lineNumber + 1 : lineNumber
        for descriptor in descriptorsOfThisRead { receivedDescriptors.append((descriptor, lastLine)) }
        descriptorsOfThisRead = []
        closeUnclaimable(before: lineNumber + 1)
    }

    /// Closes, at once (before any answer to the line goes out), the descriptors no line from
    /// number `line` on may claim.
    private mutating func closeUnclaimable(before line: UInt64) {
        while let first = receivedDescriptors.first, first.lastLine < line {
            _ = receivedDescriptors.popFirst()
            // A descriptor nobody will use: a failed close loses nothing.
            try? first.descriptor.close()
        }
    }

    /// A NODE_HANDLE line: answer at once, then deliver its message with the descriptor that came.
    mutating func receiveHandle(_ line: JSONValue, on socket: FileDescriptor, _ effects: inout ChannelEffects) {
        closeUnclaimable(before: lineNumber)
        let claimed = receivedDescriptors.popFirst()?.descriptor
            ?? (descriptorsOfThisRead.isEmpty ? nil : descriptorsOfThisRead.removeFirst())
        guard let descriptor = claimed else {
            submit(OutgoingMessage(bytes: InternalMessage.handleNotReceived, handle: nil, keepOpen: false, completion: nil),
                   on: socket, &effects)
            return
        }
        submit(OutgoingMessage(bytes: InternalMessage.handleAcknowledged, handle: nil, keepOpen: false, completion: nil),
               on: socket, &effects)
        let message = IPCMessage(line["msg"] ?? .null,
                                 handle: IPCHandle(receiving: descriptor, wireType: line["type"]?.stringValue))
        // An internal message riding with a handle (Node's cluster) is not the user's either.
        if InternalMessage.command(of: message.value) != nil {
            effects.discarded.append(message)
            return
        }
        if let key = line["key"]?.stringValue, let connection = message.handle?.connection {
            socketLists.connectionReceived(key: key)
            effects.receivedFromServers.append((connection, key))
        }
        deliver(.success(message), &effects)
    }

    /// Answers Node's NODE_SOCKET_GET_COUNT and NODE_SOCKET_NOTIFY_CLOSE.
    mutating func answerSocketList(_ command: String, key: String, on socket: FileDescriptor,
                                   _ effects: inout ChannelEffects) {
        if let answer = socketLists.answer(command, key: key) { submitAnswer(answer, on: socket, &effects) }
    }

    mutating func receivedConnectionClosed(key: String, on socket: FileDescriptor, _ effects: inout ChannelEffects) {
        if let answer = socketLists.connectionClosed(key: key) { submitAnswer(answer, on: socket, &effects) }
    }

    private mutating func submitAnswer(_ answer: JSONValue, on socket: FileDescriptor, _ effects: inout ChannelEffects) {
        submit(OutgoingMessage(bytes: answer.serializedLine(), handle: nil, keepOpen: false, completion: nil),
               on: socket, &effects)
    }

    mutating func deliver(_ message: Result<IPCMessage, IPCError>, _ effects: inout ChannelEffects) {
        guard phase != .closed else {
            if case .success(let message) = message { effects.discarded.append(message) }
            return
        }
        if consumers.isEmpty {
            inbox.append(message)
        } else {
            effects.consumers.append((consumers.removeFirst(), message))
        }
    }

    /// The next message (nil: the end) at once, or nil after registering `consumer` to get it
    /// later.
    mutating func takeMessage(or consumer: ChannelEffects.Consumer, cancelled: Bool) -> Result<IPCMessage, IPCError>?? {
        if let message = inbox.popFirst() { return message }
        if phase == .closed || cancelled { return .some(nil) }
        consumers.append(consumer)
        return nil
    }

    /// Removes a consumer whose task was cancelled, to be completed with nil; false when it is
    /// not waiting here.
    mutating func cancelConsumer(_ consumer: ChannelEffects.Consumer) -> Bool {
        guard let index = consumers.firstIndex(where: { $0 === consumer }) else { return false }
        consumers.remove(at: index)
        return true
    }

    // MARK: Closing

    /// Fails every queued send, ends every waiting consumer (after the messages already received),
    /// and hands back the descriptors nobody claimed. Returns false when already closed.
    mutating func close(failure: Errno?, _ effects: inout ChannelEffects) -> Bool {
        guard phase != .closed else { return false }
        phase = .closed
        var abandoned = writing.removeAll() + held.removeAll()
        if let unacknowledged { abandoned.append(unacknowledged) }
        unacknowledged = nil
        handleInFlight = false
        for message in abandoned {
            if let completion = message.completion { effects.completions.append((completion, .failure(.channelClosed))) }
        }
        effects.descriptorsToClose += receivedDescriptors.removeAll().map(\.descriptor) + descriptorsOfThisRead
        descriptorsOfThisRead = []
        if let failure { inbox.append(.failure(.system(failure))) }
        for consumer in consumers { effects.consumers.append((consumer, inbox.popFirst())) }
        consumers = []
        effects.disconnected = true
        return true
    }
}
