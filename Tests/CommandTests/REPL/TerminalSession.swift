// Drives `cpl` on a real pseudo-terminal, as a person at a terminal would: the test types lines
// and control keys into the master side and reads what cpl writes back (the "screen").
//
// cpl runs under util-linux `setsid --ctty`, which starts a session and makes the pty its
// controlling terminal, so job control (process groups, tcsetpgrp, Ctrl-C/Ctrl-Z from the
// line discipline) is the real thing. Every wait is for some text to appear, bounded by a
// deadline that only a failure reaches.

#if canImport(Glibc)
import Glibc
#endif
import Foundation

final class TerminalSession {
    struct Timeout: Error, CustomStringConvertible {
        var expected: String
        var screen: String
        var description: String { "timed out waiting for \(expected.debugDescription); screen:\n\(screen)" }
    }

    let pid: pid_t
    private let master: Int32
    /// Everything cpl wrote, with terminal control sequences and carriage returns removed.
    private(set) var screen = ""
    /// `expect` searches from here, so expectations are met in order.
    private var cursor: String.Index

    /// Starts `cpl -i` in `directory` with `environment` (plus TERM=dumb and an inputrc that
    /// turns bracketed paste off, so the screen holds only what was typed and printed).
    init(cpl: String, directory: String, environment: [String: String]) throws {
        // posix_openpt and friends need _XOPEN_SOURCE, which Swift's Glibc module lacks: the
        // same steps as ioctls (unlock, then open the peer; Linux 4.13).
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var unlock: Int32 = 0
        let TIOCSPTLCK: UInt = 0x4004_5431, TIOCGPTPEER: UInt = 0x5441
        guard master >= 0, ioctl(master, TIOCSPTLCK, &unlock) == 0 else { throw POSIXError(.EIO) }
        var size = winsize(ws_row: 40, ws_col: 200, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        let slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard slave >= 0 else { throw POSIXError(.EIO) }
        defer { close(slave) }

        let inputrc = directory + "/.inputrc"
        // Close-on-exec (TestSupport's createFile, not Foundation's): a cpl that another test starts
        // meanwhile must not inherit the descriptor.
        createFile(inputrc, "set enable-bracketed-paste off\nset bell-style none\n")
        var variables = environment
        variables["TERM"] = "dumb"
        variables["INPUTRC"] = inputrc

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in 0...2 { posix_spawn_file_actions_adddup2(&actions, slave, fd) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, resetSignals(in: &attributes))
        let argv: [UnsafeMutablePointer<CChar>?] = (["setsid", "--ctty", cpl, "-i"] as [String]).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        _ = directory.withCString { GNUExtensions.shared?.addchdir(&actions, $0) }
        var child: pid_t = 0
        let error = posix_spawn(&child, "/usr/bin/setsid", &actions, &attributes, argv, envp)
        guard error == 0 else { throw POSIXError(POSIXErrorCode(rawValue: error) ?? .EIO) }
        pid = child
        cursor = screen.startIndex
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(master)
    }

    /// Types `text` (control keys as "\u{03}" for Ctrl-C, "\u{1A}" Ctrl-Z, "\u{04}" Ctrl-D).
    func type(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if written > 0 { bytes = bytes.dropFirst(written) } else if errno != EAGAIN && errno != EINTR { return }
        }
    }

    /// Waits until `text` appears after the previous match; returns what came before it.
    @discardableResult
    func expect(_ text: String, within seconds: Double = 20) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let range = screen.range(of: text, range: cursor..<screen.endIndex) {
                defer { cursor = range.upperBound }
                return String(screen[cursor..<range.lowerBound])
            }
            guard Date() < deadline, readAvailable(until: deadline) else {
                throw Timeout(expected: text, screen: screen)
            }
        }
    }

    /// Waits for cpl to exit; returns its exit status.
    func waitForExit(within seconds: Double = 20) throws -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            }
            _ = readAvailable(until: Date().addingTimeInterval(0.05))
        }
        throw Timeout(expected: "exit", screen: screen)
    }

    /// Reads what is there, waiting until `deadline` for something; false once the pty is closed.
    private func readAvailable(until deadline: Date) -> Bool {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(max(0, min(deadline.timeIntervalSinceNow, 0.2)) * 1000)
        guard poll(&descriptor, 1, milliseconds) >= 0 else { return errno == EINTR }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
        if count > 0 {
            screen += TerminalSession.plain(String(decoding: buffer[0..<count], as: UTF8.self))
        } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
            return false  // EIO: every slave descriptor is closed
        }
        return true
    }

    /// Text without escape sequences, carriage returns, bells and readline's prompt markers.
    static func plain(_ text: String) -> String {
        var result = ""
        var iterator = text.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            switch scalar {
            case "\u{1B}":
                guard let next = iterator.next() else { break }
                if next == "[" {
                    while let c = iterator.next(), !(c.value >= 0x40 && c.value <= 0x7E) {}
                }
            case "\r", "\u{07}", "\u{01}", "\u{02}":
                continue
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
