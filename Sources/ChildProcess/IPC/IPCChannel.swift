import Glibc
import Synchronization

/// A Node-compatible IPC channel (`serialization: 'json'`): the parent's end is
/// `ChildProcess.channel`, the child's end `ParentChannel.current`.
///
/// Messages are JSON values, one per line. A socket can travel with a message (`send(_:handle:)`),
/// as in Node. The channel reads continuously, whether or not anyone iterates `messages`, so that
/// the protocol's own answers are never stuck behind an idle consumer; received messages wait in
/// order until taken. The channel owns its socket: it is closed when either side disconnects.
public final class IPCChannel: Sendable {
    private let socket: FileDescriptor
    private let watcher: Watcher
    private let state = Mutex(ChannelState())
    /// Done when the channel has closed, from either side.
    private let disconnection = OneShot<Void>()
    /// The read side: only one read (and the dispatch of what it read) at a time, so lines are
    /// delivered in order even when the parent drains the channel as the child exits.
    private let reader = Mutex(Reader())

    private struct Reader {
        var decoder = JSONLineDecoder()
        var buffer = [UInt8](repeating: 0, count: 65536)
    }

    /// Takes ownership of a connected stream socket (closed here if it cannot be made non-blocking).
    init(adopting socket: FileDescriptor) throws(Errno) {
        do {
            try socket.setNonBlocking()
        } catch {
            // The setNonBlocking error is the one to report; the socket holds no data yet.
            try? socket.close()
            throw error
        }
        self.socket = socket
        self.watcher = Watcher(socket)
        watchReadable()
    }

    deinit {
        // Only reachable without a disconnect if the reactor refused the socket at once: while the
        // channel is open its read registration keeps it alive.
        var effects = ChannelEffects()
        // Teardown with no one to tell; closing a socket loses nothing the peer has not been sent.
        if state.withLock({ $0.close(failure: nil, &effects) }) { try? socket.close() }
        for descriptor in effects.descriptorsToClose { try? descriptor.close() }
    }

    // MARK: Public API

    /// True until either side disconnects (Node's `connected`).
    public var connected: Bool { state.withLock { $0.phase == .open } }

    /// Sends `message`, with `handle`'s descriptor if given, and returns once it is written (with
    /// a handle: once the other process has acknowledged it). Sends are delivered in order; while a
    /// handle is unacknowledged, later sends wait (as in Node). A passed connection is closed here
    /// after the acknowledgement unless `keepOpen`; a passed server stays open in both processes.
    ///
    /// Throws `.channelClosed` once disconnected, `.handleRejected` if the other side never got the
    /// descriptor, `.handleClosed` if the handle was closed before it could be sent.
    public func send(_ message: JSONValue, handle: IPCHandle? = nil, keepOpen: Bool = false) async throws(IPCError) {
        let line = handle.map { InternalMessage.handle(carrying: message, type: $0.wireType) } ?? message
        let completion = OutgoingMessage.Completion()
        var effects = ChannelEffects()
        state.withLock { state in
            state.submit(OutgoingMessage(bytes: line.serializedLine(), handle: handle, keepOpen: keepOpen,
                                         completion: completion), on: socket, &effects)
        }
        perform(effects)
        try await completion.wait().get()
    }

    /// Sends any `Encodable` value, encoded as JSON (see `send(_:handle:keepOpen:)`).
    public func send<Message: Encodable>(_ message: Message, handle: IPCHandle? = nil, keepOpen: Bool = false)
        async throws(IPCError)
    {
        let value: JSONValue
        do {
            value = try JSONValueEncoder().encode(message)
        } catch {
            throw .unencodableMessage("\(error)")
        }
        try await send(value, handle: handle, keepOpen: keepOpen)
    }

    /// The messages from the other side, in order, ending when the channel disconnects. Each message
    /// goes to one iterator; messages received before anyone iterates wait for the first one.
    public var messages: Messages { Messages(channel: self) }

    /// Closes the channel (Node's `disconnect()`): sends already queued are still written, later ones
    /// throw `.channelClosed`, then the socket is closed and both sides' message sequences end.
    public func disconnect() {
        var effects = ChannelEffects()
        state.withLock { $0.disconnect(&effects) }
        perform(effects)
    }

    /// Suspends until the channel has disconnected, from either side.
    public func waitForDisconnect() async {
        await disconnection.wait()
    }

    // MARK: Messages

    func nextMessage() async -> Result<IPCMessage, IPCError>? {
        // Made before waiting, so that a cancellation arriving at any moment can find the waiter.
        let consumer = ChannelEffects.Consumer()
        return await withTaskCancellationHandler {
            if let taken = state.withLock({ $0.takeMessage(or: consumer, cancelled: Task.isCancelled) }) { return taken }
            return await consumer.wait()
        } onCancel: {
            // Not found: never registered (the cancelled check above ends it) or already given a message.
            if state.withLock({ $0.cancelConsumer(consumer) }) { consumer.complete(nil) }
        }
    }

    // MARK: Reading

    private func watchReadable() {
        watcher.notify(when: .readable) { [self] ready in
            // Not ready: close() is invalidating the watcher (and may hold the reader lock), or the
            // reactor could not watch the socket, and a channel that cannot read must not hang open.
            guard ready else { return close(failure: nil) }
            receiveAvailable(rearm: true)
        }
    }

    /// Reads and dispatches what the socket holds now. With `rearm`, watches for more afterwards;
    /// without, it is a drain that leaves the reactor registration to the read already armed.
    func receiveAvailable(rearm: Bool) {
        let keepWatching = reader.withLock { reader -> Bool in
            // Bounded, so that one busy channel cannot starve the reactor's other descriptors.
            for _ in 0..<16 {
                switch state.withLock({ $0.receive(from: socket, into: &reader.buffer) }) {
                case .received(let count):
                    reader.decoder.append(contentsOf: reader.buffer[..<count])
                    while let line = reader.decoder.next() { dispatch(line) }
                    let incomplete = reader.decoder.pendingByteCount > 0
                    state.withLock { $0.endRead(leavingLineIncomplete: incomplete) }
                    // A short read emptied the socket: re-arming (level-triggered) is cheaper than
                    // a read that would only say EAGAIN.
                    if count < reader.buffer.count { return true }
                case .wouldBlock:
                    return true
                case .end:
                    close(failure: nil)
                    return false
                case .failed(let error):
                    close(failure: error)
                    return false
                case .closed:
                    return false
                }
            }
            return true
        }
        if keepWatching && rearm { watchReadable() }
    }

    private func dispatch(_ line: Result<JSONValue, JSONError>) {
        var effects = ChannelEffects()
        state.withLock { state in
            state.beginLine()
            switch line {
            case .failure(let error):
                state.deliver(.failure(.invalidMessage(error)), &effects)
            case .success(let value):
                switch InternalMessage.command(of: value) {
                case nil: state.deliver(.success(IPCMessage(value)), &effects)
                case "NODE_HANDLE": state.receiveHandle(value, on: socket, &effects)
                case "NODE_HANDLE_ACK": state.acknowledge(received: true, on: socket, &effects)
                case "NODE_HANDLE_NACK": state.acknowledge(received: false, on: socket, &effects)
                case let command?:
                    // The rest serve Node features this library does not have (cluster).
                    guard let key = value["key"]?.stringValue else { break }
                    state.answerSocketList(command, key: key, on: socket, &effects)
                }
            }
        }
        perform(effects)
    }

    // MARK: Writing and closing

    private func watchWritable() {
        watcher.notify(when: .writable) { [self] ready in
            guard ready else { return close(failure: nil) }
            var effects = ChannelEffects()
            state.withLock { $0.writable(on: socket, &effects) }
            perform(effects)
        }
    }

    private func perform(_ effects: ChannelEffects) {
        if effects.armWritable { watchWritable() }
        // Before the consumers run: one of them may close the connection at once.
        for (connection, key) in effects.receivedFromServers {
            connection.socket.whenClosed { [weak self] in self?.receivedConnectionClosed(key: key) }
        }
        for (completion, result) in effects.completions { completion.complete(result) }
        for (consumer, message) in effects.consumers { consumer.complete(message) }
        for connection in effects.connectionsToClose { connection.close() }
        // Received descriptors nobody took (the channel is closing): nothing was done with them.
        for descriptor in effects.descriptorsToClose { try? descriptor.close() }
        if effects.disconnected { disconnection.complete(()) }
        switch effects.shutDown {
        case nil: break
        case .orderly: close(failure: nil)
        case .failed(let error): close(failure: error)
        }
    }

    private func receivedConnectionClosed(key: String) {
        var effects = ChannelEffects()
        state.withLock { $0.receivedConnectionClosed(key: key, on: socket, &effects) }
        perform(effects)
    }

    /// Closes the socket at once, without writing what is queued (sends throw `.channelClosed`):
    /// `closeTimeout` giving up on a channel that a descendant still holds.
    func close(failure: Errno? = nil) {
        var effects = ChannelEffects()
        guard state.withLock({ $0.close(failure: failure, &effects) }) else { return }
        watcher.invalidate()
        // The channel's end is reported through `effects` (failure or disconnect); a socket's close
        // fails only on EINTR, after Linux has released it.
        try? socket.close()
        perform(effects)
    }
}
