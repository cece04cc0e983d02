extension FileDescriptor {
    /// A pipe whose both ends are O_CLOEXEC. swift-system's `pipe()` makes inheritable ends and
    /// throws untyped errors; this one is what every pipe of this library needs.
    ///
    /// The corresponding C function is `pipe2`.
    public static func pipe() throws(Errno) -> (readEnd: FileDescriptor, writeEnd: FileDescriptor) {
        try pipe(options: .closeOnExec)
    }
}
