import Glibc

/// A POSIX signal, named as Node names it (`SIGTERM`).
public struct Signal: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let hangup = Signal(rawValue: SIGHUP)
    public static let interrupt = Signal(rawValue: SIGINT)
    public static let quit = Signal(rawValue: SIGQUIT)
    public static let abort = Signal(rawValue: SIGABRT)
    public static let kill = Signal(rawValue: SIGKILL)
    public static let user1 = Signal(rawValue: SIGUSR1)
    public static let user2 = Signal(rawValue: SIGUSR2)
    public static let pipe = Signal(rawValue: SIGPIPE)
    public static let alarm = Signal(rawValue: SIGALRM)
    public static let terminate = Signal(rawValue: SIGTERM)
    public static let child = Signal(rawValue: SIGCHLD)
    public static let `continue` = Signal(rawValue: SIGCONT)
    public static let stop = Signal(rawValue: SIGSTOP)
    public static let terminalStop = Signal(rawValue: SIGTSTP)
    public static let terminalInput = Signal(rawValue: SIGTTIN)
    public static let terminalOutput = Signal(rawValue: SIGTTOU)
    public static let windowChange = Signal(rawValue: SIGWINCH)

    private static let names: [(Int32, String)] = [
        (SIGHUP, "SIGHUP"), (SIGINT, "SIGINT"), (SIGQUIT, "SIGQUIT"), (SIGILL, "SIGILL"),
        (SIGTRAP, "SIGTRAP"), (SIGABRT, "SIGABRT"), (SIGBUS, "SIGBUS"), (SIGFPE, "SIGFPE"),
        (SIGKILL, "SIGKILL"), (SIGUSR1, "SIGUSR1"), (SIGSEGV, "SIGSEGV"), (SIGUSR2, "SIGUSR2"),
        (SIGPIPE, "SIGPIPE"), (SIGALRM, "SIGALRM"), (SIGTERM, "SIGTERM"), (SIGSTKFLT, "SIGSTKFLT"),
        (SIGCHLD, "SIGCHLD"), (SIGCONT, "SIGCONT"), (SIGSTOP, "SIGSTOP"), (SIGTSTP, "SIGTSTP"),
        (SIGTTIN, "SIGTTIN"), (SIGTTOU, "SIGTTOU"), (SIGURG, "SIGURG"), (SIGXCPU, "SIGXCPU"),
        (SIGXFSZ, "SIGXFSZ"), (SIGVTALRM, "SIGVTALRM"), (SIGPROF, "SIGPROF"), (SIGWINCH, "SIGWINCH"),
        (SIGIO, "SIGIO"), (SIGPWR, "SIGPWR"), (SIGSYS, "SIGSYS"),
    ]

    /// Accepts `SIGTERM`, `TERM`, `term` or a number (`15`); nil for anything else.
    public init?(name: String) {
        if let number = Int32(name) {
            guard number >= 0, number < 65 else { return nil }
            self.init(rawValue: number)
            return
        }
        let upper = name.uppercased()
        let full = upper.hasPrefix("SIG") ? upper : "SIG" + upper
        guard let match = Signal.names.first(where: { $0.1 == full }) else { return nil }
        self.init(rawValue: match.0)
    }

    /// `SIGTERM`, or `SIG<number>` for a signal without a name (real-time signals).
    public var name: String {
        Signal.names.first(where: { $0.0 == rawValue })?.1 ?? "SIG\(rawValue)"
    }

    public var description: String { name }

    /// Every named signal, in number order (for `kill -l` and completions).
    public static var allNamed: [Signal] { names.map { Signal(rawValue: $0.0) } }
}
