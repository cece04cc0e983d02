/// The environment variables through which a Node-style parent tells its child where the channel
/// is and how it is framed.
enum ChannelEnvironment {
    static let descriptor = "NODE_CHANNEL_FD"
    static let serializationMode = "NODE_CHANNEL_SERIALIZATION_MODE"

    /// The child's environment for a channel at child descriptor `descriptor`: the given one (the
    /// parent's own when nil) plus the two variables.
    static func forChild(_ environment: [String: String]?, channelDescriptor descriptor: Int) -> [String: String] {
        var environment = environment ?? Environment.current
        environment[Self.descriptor] = String(descriptor)
        environment[serializationMode] = "json"
        return environment
    }
}
