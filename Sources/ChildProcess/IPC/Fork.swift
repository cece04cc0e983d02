import Glibc

extension ChildProcess {
    /// Starts `modulePath` with a message channel (Node's `child_process.fork`): runs
    /// `[execPath, ...execArgv, modulePath, ...arguments]` with the channel at the `.ipc` position
    /// of `stdio` (fd 3 by default), announced to the child in `NODE_CHANNEL_FD`.
    ///
    /// `execPath` defaults to this executable, so a Swift program can fork itself and pick the
    /// child's role from `modulePath`; use `"node"` to run a JavaScript worker. Talk to the child
    /// with `send`, `messages` and `disconnect`.
    public static func fork(_ modulePath: String, _ arguments: [String] = [], options: ForkOptions = ForkOptions())
        throws(IPCError) -> ChildProcess
    {
        guard options.serialization == .json else { throw .unsupportedSerialization }
        let stdio = options.resolvedStdio
        guard stdio.filter({ $0 == .ipc }).count == 1 else { throw .invalidStdio(stdio) }
        var spawnOptions = options.spawnOptions
        spawnOptions.stdio = stdio
        do {
            return try spawn(options.execPath ?? currentExecutable(), options.execArgv + [modulePath] + arguments,
                             options: spawnOptions)
        } catch {
            throw .spawnFailed(error)
        }
    }

    /// `fork(_:_:options:)` with the module's path and the arguments as bytes, none of which need
    /// be UTF-8 (see `spawn(_:_:options:)`'s byte form).
    public static func fork(_ modulePath: FilePath, _ arguments: [[UInt8]] = [], options: ForkOptions = ForkOptions())
        throws(IPCError) -> ChildProcess
    {
        try fork(String(losslessPath: modulePath), [String](losslessBytes: arguments), options: options)
    }

    /// This process's executable: what Node calls `process.execPath`.
    private static func currentExecutable() -> String {
        var path = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &path, path.count - 1)
        return length > 0 ? String(losslessBytes: path[..<length].map { UInt8(bitPattern: $0) })
                          : CommandLine.arguments[0]
    }
}
