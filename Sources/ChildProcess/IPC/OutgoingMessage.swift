import CChildProcessShims
import Glibc

/// One line waiting to be written to the channel, with whoever waits for it to be sent.
struct OutgoingMessage {
    typealias Completion = OneShot<Result<Void, IPCError>>

    let bytes: [UInt8]
    /// Bytes already written: the kernel may take a line in several pieces.
    var written = 0
    /// The socket whose descriptor goes, as SCM_RIGHTS, with the first piece.
    let handle: IPCHandle?
    let keepOpen: Bool
    /// How many NODE_HANDLE_NACK answers the handle has had.
    var rejections = 0
    /// nil for the channel's own answers (ACK/NACK), which nobody awaits.
    let completion: Completion?

    enum Attempt {
        case sent(Int)
        case wouldBlock
        case handleClosed
        case failed(Errno)
    }

    /// One non-blocking `sendmsg` of what is left.
    func send(on socket: FileDescriptor) -> Attempt {
        func send(descriptor: Int32) -> Attempt {
            let sent = bytes.withUnsafeBytes { all in
                cp_send_with_descriptor(socket.rawValue, all.baseAddress! + written, all.count - written, descriptor)
            }
            if sent >= 0 { return .sent(sent) }
            let error = Errno.current
            return error == .wouldBlock ? .wouldBlock : .failed(error)
        }
        guard let handle, written == 0 else { return send(descriptor: -1) }
        do {
            return try handle.socket.withDescriptor { descriptor in send(descriptor: descriptor.rawValue) }
        } catch {
            return .handleClosed
        }
    }
}
