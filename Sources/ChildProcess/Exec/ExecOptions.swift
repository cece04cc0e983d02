/// Options of `exec`, `execFile` and the sync forms: every spawn option (reachable directly, as
/// `options.cwd`), plus how output is collected.
@dynamicMemberLookup
public struct ExecOptions: Sendable {
    public var spawnOptions = SpawnOptions()
    /// Largest number of bytes allowed on stdout or stderr; past it the child is killed and the
    /// call fails with `.maxBufferExceeded`, keeping exactly this many bytes.
    public var maxBuffer = 1024 * 1024
    /// How `stdout` and `stderr` text is decoded; the bytes are always available as well.
    public var encoding: OutputEncoding = .utf8
    /// Bytes written to the child's stdin, which is then closed (Node's `input`).
    public var input: [UInt8]?

    public init() {}

    public init(cwd: String? = nil, environment: [String: String]? = nil, timeout: Duration? = nil,
                maxBuffer: Int = 1024 * 1024, killSignal: Signal = .terminate) {
        spawnOptions.cwd = cwd
        spawnOptions.environment = environment
        spawnOptions.timeout = timeout
        spawnOptions.killSignal = killSignal
        self.maxBuffer = maxBuffer
    }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<SpawnOptions, Value>) -> Value {
        get { spawnOptions[keyPath: keyPath] }
        set { spawnOptions[keyPath: keyPath] = newValue }
    }
}

/// Node's `encoding` option for collected output.
public enum OutputEncoding: Sendable, Hashable {
    case utf8
    /// One character per byte (Node's `latin1` / `binary`).
    case latin1

    func decode(_ bytes: [UInt8]) -> String {
        switch self {
        case .utf8: String(decoding: bytes, as: UTF8.self)
        case .latin1: String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        }
    }
}

/// What a successful `exec` or `execFile` collected.
public struct ExecOutput: Sendable {
    public let stdoutBytes: [UInt8]
    public let stderrBytes: [UInt8]
    public let encoding: OutputEncoding
    public var stdout: String { encoding.decode(stdoutBytes) }
    public var stderr: String { encoding.decode(stderrBytes) }
    /// True when the output was cut short by `closeTimeout`: a descendant still held a pipe.
    public internal(set) var closeTimedOut = false
}
