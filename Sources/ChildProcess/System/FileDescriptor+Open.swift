import Glibc

extension FileDescriptor {
    /// Opens `path` (a lossless string) with O_CLOEXEC always added: no descriptor this library
    /// opens leaks into a child unless it is handed over on purpose.
    ///
    /// The corresponding C function is `open`.
    public static func open(_ path: String, _ flags: Int32, permissions: mode_t = 0o666) throws(Errno) -> FileDescriptor {
        let fd = try path.withLosslessCString { cPath throws(Errno) in
            try retryingOnInterrupt { Glibc.open(cPath, flags | O_CLOEXEC, permissions) }
        }
        return FileDescriptor(rawValue: fd)
    }

    /// Opens `path`, taken byte for byte, with O_CLOEXEC always added.
    ///
    /// The corresponding C function is `open`.
    public static func open(_ path: FilePath, _ flags: Int32, permissions: mode_t = 0o666) throws(Errno) -> FileDescriptor {
        let fd = path.withCString { cPath in
            Result { () throws(Errno) in try retryingOnInterrupt { Glibc.open(cPath, flags | O_CLOEXEC, permissions) } }
        }
        return FileDescriptor(rawValue: try fd.get())
    }
}
