/// How to start a child: Node's `spawn` options.
public struct SpawnOptions: Sendable {
    /// The child's working directory; nil inherits the parent's.
    public var cwd: String?
    /// The child's whole environment; nil inherits the parent's. An empty dictionary is empty.
    public var environment: [String: String]?
    /// `argv[0]` as the child sees it; defaults to the command as given.
    public var argv0: String?
    /// One entry per child descriptor 0, 1, 2, 3, …
    public var stdio: [StdioOption] = .all(.pipe)
    /// The child leads a new session and process group and is meant to outlive the parent;
    /// `kill` then signals the whole group.
    public var detached = false
    /// Put the child in a process group: `.some(0)` starts a new group led by the child,
    /// `.some(pgid)` joins an existing one (job control). Ignored when `detached`.
    public var processGroup: Int32?
    /// Job control: a terminal descriptor whose foreground process group becomes the child's
    /// group, set in the child before it executes (so it never reads the terminal from the
    /// background). Needs `processGroup`; the calling process should ignore SIGTTOU.
    public var foregroundTerminal: Int32?
    /// Signals whose disposition the child keeps from this process (one this process ignores
    /// stays ignored) instead of getting the default. An interactive shell, which ignores
    /// SIGTSTP, SIGTTIN and SIGTTOU, runs command substitutions so: Ctrl-Z does not stop them.
    public var inheritedSignalDispositions: Set<Signal> = []
    /// The window size of the pseudo-terminal that `.terminal` entries of `stdio` give the child.
    public var terminalSize = TerminalSize(rows: 24, columns: 80)
    public var uid: UInt32?
    public var gid: UInt32?
    /// Run `command` through a shell: the command and args are joined by spaces and passed to
    /// `/bin/sh -c` (or the given shell), as Node's `shell: true`.
    public var shell: String?
    /// Kill the child with `killSignal` once it has run this long.
    public var timeout: Duration?
    public var killSignal: Signal = .terminate
    /// How `timeout`, cancellation, `maxBuffer` and `tearDown()` end the child, and whom they
    /// signal; nil is Node's `killSignal` once. `.terminate(gracePeriod: .seconds(5))`
    /// escalates to SIGKILL; `target: .processTree` reaches the child's descendants too.
    public var teardown: Teardown?
    /// Go's `WaitDelay`: how long `waitForClose`, `exec` and `execFile` wait, once the child has
    /// exited, for output pipes, the terminal or the IPC channel that a descendant still holds
    /// open (`sh -c 'sleep 100 &'`); then they close them and report it (`closeTimedOut`). Nil
    /// waits as long as it takes.
    public var closeTimeout: Duration?
    /// The signal the child gets when this process dies, however it dies (PR_SET_PDEATHSIG);
    /// nil: it lives on. Only the child gets it, not the processes it starts.
    public var parentDeathSignal: Signal?
    /// Cancelling this handle kills the child with `killSignal` (Node's `signal: AbortSignal`).
    public var cancellation: CancellationHandle?

    public init(
        cwd: String? = nil,
        environment: [String: String]? = nil,
        stdio: [StdioOption] = .all(.pipe),
        detached: Bool = false
    ) {
        self.cwd = cwd
        self.environment = environment
        self.stdio = stdio
        self.detached = detached
    }

    /// `cwd` as a path of any bytes, none of which need be UTF-8 (swift-subprocess's
    /// `workingDirectory`).
    public var workingDirectory: FilePath? {
        get { cwd.map(FilePath.init(losslessString:)) }
        set { cwd = newValue.map(String.init(losslessPath:)) }
    }

    /// `environment` as bytes: each name and value reaches the child exactly as given, none need
    /// be UTF-8. (Names are keys of `environment`, compared as `String`s: two that differ only in
    /// Unicode normalization are one variable, with either value.)
    public var environmentBytes: [[UInt8]: [UInt8]]? {
        get {
            environment.map { Dictionary($0.map { ($0.key.losslessBytes, $0.value.losslessBytes) }) { $1 } }
        }
        set {
            environment = newValue.map { Dictionary($0.map { (String(losslessBytes: $0.key), String(losslessBytes: $0.value)) }) { $1 } }
        }
    }

    /// The default shell for `shell` and `exec`.
    public static let defaultShell = "/bin/sh"
}
