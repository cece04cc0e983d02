import Glibc

// swift-system 1.8's `read(into:)`, `write(_:)` and `writeAll(_:)` throw untyped errors; the
// library's errors are typed. These same-named forms throw `Errno` and are chosen over
// swift-system's by overload resolution (they have no defaulted `retryOnInterrupt:`); like
// swift-system's defaults they retry on EINTR.
extension FileDescriptor {
    /// Reads at most `buffer.count` bytes; 0 means end of file.
    ///
    /// The corresponding C function is `read`.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        try retryingOnInterrupt { Glibc.read(rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Writes some prefix of `buffer` and returns its length.
    ///
    /// The corresponding C function is `write`.
    public func write(_ buffer: UnsafeRawBufferPointer) throws(Errno) -> Int {
        try retryingOnInterrupt { Glibc.write(rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Writes all of `bytes`, blocking as needed (for blocking descriptors); returns their count.
    @discardableResult
    public func writeAll<S: Sequence>(_ bytes: S) throws(Errno) -> Int where S.Element == UInt8 {
        let array = Array(bytes)
        var offset = 0
        while offset < array.count {
            offset += try array.withUnsafeBytes { all in
                Result { () throws(Errno) in try write(UnsafeRawBufferPointer(rebasing: all[offset...])) }
            }.get()
        }
        return offset
    }
}
