import Glibc

/// The channel to the parent that forked this process, from Swift (`ChildProcess.fork`) or from
/// Node (`child_process.fork`).
public enum ParentChannel {
    /// The channel, opened on first use; nil when this process was not started with one
    /// (`NODE_CHANNEL_FD` is absent) or with `advanced` serialization, which is not spoken.
    ///
    /// Opening it removes `NODE_CHANNEL_FD` and `NODE_CHANNEL_SERIALIZATION_MODE` from the environment
    /// (as Node does), so this process's own children do not mistake them for theirs; do it early,
    /// before other threads read the environment.
    public static var current: IPCChannel? { opened }

    private static let opened: IPCChannel? = open()

    private static func open() -> IPCChannel? {
        guard let number = Environment.value(of: ChannelEnvironment.descriptor).flatMap({ Int32($0) }),
            number >= 0
        else { return nil }
        let mode = Environment.value(of: ChannelEnvironment.serializationMode) ?? "json"
        guard mode == "json" else { return nil }
        unsetenv(ChannelEnvironment.descriptor)
        unsetenv(ChannelEnvironment.serializationMode)
        // It arrived without close-on-exec, as Node expects; it must not leak into our own children.
        let descriptor = FileDescriptor(rawValue: number)
        guard fcntl(number, F_SETFD, FD_CLOEXEC) == 0 else { return nil }
        return try? IPCChannel(adopting: descriptor)
    }
}
