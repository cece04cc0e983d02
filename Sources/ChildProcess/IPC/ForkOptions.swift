/// Options of `ChildProcess.fork`: every spawn option (reachable directly, as `options.cwd`), plus
/// what runs the module and where the channel goes.
@dynamicMemberLookup
public struct ForkOptions: Sendable {
    /// The program that runs the module; nil runs this process's own executable again (Node runs
    /// itself, `process.execPath`). `"node"` runs a JavaScript worker, found through `PATH`.
    public var execPath: String?
    /// Arguments for `execPath` that come before the module (Node's `execArgv`).
    public var execArgv: [String] = []
    /// Pipe the child's stdin, stdout and stderr to this process instead of sharing them.
    public var silent = false
    /// The child's descriptors; must contain exactly one `.ipc`. nil: `silent` decides between
    /// `[.inherit, .inherit, .inherit, .ipc]` and `[.pipe, .pipe, .pipe, .ipc]`.
    public var stdio: [StdioOption]?
    public var serialization: Serialization = .json
    /// cwd, environment, detached, uid, gid, timeout, killSignal, cancellation, argv0 …
    /// (`stdio` here is ignored in favour of the property above).
    public var spawnOptions = SpawnOptions()

    /// How messages are framed on the channel (Node's `serialization`).
    public enum Serialization: Sendable, Hashable {
        /// One JSON text per line: what this library speaks.
        case json
        /// V8's structured clone: refused with `IPCError.unsupportedSerialization`.
        case advanced
    }

    public init(execPath: String? = nil, execArgv: [String] = [], silent: Bool = false,
                stdio: [StdioOption]? = nil, environment: [String: String]? = nil) {
        self.execPath = execPath
        self.execArgv = execArgv
        self.silent = silent
        self.stdio = stdio
        spawnOptions.environment = environment
    }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<SpawnOptions, Value>) -> Value {
        get { spawnOptions[keyPath: keyPath] }
        set { spawnOptions[keyPath: keyPath] = newValue }
    }

    /// The descriptors the child gets.
    var resolvedStdio: [StdioOption] {
        stdio ?? (silent ? [.pipe, .pipe, .pipe, .ipc] : [.inherit, .inherit, .inherit, .ipc])
    }
}
