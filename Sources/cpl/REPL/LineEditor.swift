@preconcurrency import CReadline
import ChildProcess
import Glibc
import Synchronization

/// GNU readline through its callback interface: the REPL's own poll loop
/// waits for the terminal and for a wake-up pipe at once, so Ctrl-C and a
/// window resize are handled between keystrokes, not from a signal handler.
final class LineEditor {
    enum Input: Equatable {
        case line(String)
        /// Ctrl-D on an empty line (or the end of a non-terminal input).
        case endOfInput
        /// Ctrl-C: the line being edited is dropped.
        case interrupted
    }

    /// Where the signal observers (on the reactor thread) leave what arrived.
    let signals = SignalInbox()

    init() {
        // readline must not install handlers of its own: signals are ours.
        rl_catch_signals = 0
        rl_catch_sigwinch = 0
        rl_readline_name = UnsafePointer(strdup("cpl"))
    }

    enum EditingMode: Equatable {
        case vi, emacs
    }

    /// Readline's editing mode (`set -o vi` / `set -o emacs`; `~/.inputrc` chooses the first one).
    var editingMode: EditingMode {
        get {
            rl_initialize()
            return rl_editing_mode == 0 ? .vi : .emacs
        }
        set {
            guard newValue != editingMode else { return }
            rl_variable_bind("editing-mode", newValue == .vi ? "vi" : "emacs")
        }
    }

    /// Reads one line with `prompt`; history and completion are the caller's.
    func readLine(prompt: String) -> Input {
        _ = signals.take()  // a Ctrl-C typed while a command ran is not for this line
        LineEditor.accepted = nil
        prompt.withLosslessCString { prompt in
            rl_callback_handler_install(prompt, { line in
                LineEditor.accepted = .some(line.map { String(losslessCString: $0) })
                free(line)
                // Removing the handler here keeps readline from redrawing a prompt while the command runs.
                rl_callback_handler_remove()
            })
        }
        defer { if LineEditor.accepted == nil { rl_callback_handler_remove() } }
        while true {
            var descriptors = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                               pollfd(fd: signals.descriptor, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&descriptors, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return .endOfInput
            }
            if descriptors[1].revents != 0 {
                let arrived = signals.take()
                if arrived.contains(.windowChange) { rl_resize_terminal() }
                if arrived.contains(.interrupt) {
                    rl_echo_signal_char(SIGINT)
                    rl_free_line_state()
                    rl_callback_sigcleanup()
                    rl_callback_handler_remove()
                    _ = Glibc.write(1, "\n", 1)
                    LineEditor.accepted = .some(nil)  // nothing to remove on the way out
                    return .interrupted
                }
            }
            if descriptors[0].revents != 0 {
                rl_callback_read_char()
                if let accepted = LineEditor.accepted {
                    return accepted.map(Input.line) ?? .endOfInput
                }
            }
        }
    }

    /// The line readline handed to the callback: `.some(nil)` is end of input. Main thread only.
    nonisolated(unsafe) private static var accepted: String??
}

/// Signals seen by the observers and not yet handled by the loop, with a
/// pipe that becomes readable when one arrives (for `poll`).
final class SignalInbox: Sendable {
    private let pending = Mutex<Set<Signal>>([])
    private let ends: (readEnd: FileDescriptor, writeEnd: FileDescriptor)

    init() {
        ends = try! FileDescriptor.pipe()
        try! ends.readEnd.setNonBlocking()
        try! ends.writeEnd.setNonBlocking()
    }

    var descriptor: Int32 { ends.readEnd.rawValue }

    func post(_ signal: Signal) {
        pending.withLock { _ = $0.insert(signal) }
        var byte: UInt8 = 1
        _ = Glibc.write(ends.writeEnd.rawValue, &byte, 1)
    }

    /// What arrived since the last call (and empties the pipe).
    func take() -> Set<Signal> {
        var buffer = [UInt8](repeating: 0, count: 64)
        while buffer.withUnsafeMutableBytes({ Glibc.read(ends.readEnd.rawValue, $0.baseAddress, $0.count) }) > 0 {}
        return pending.withLock { pending in
            defer { pending = [] }
            return pending
        }
    }
}
