// Bytes read in place. Walking a `String.UTF8View` (or a `Substring`'s) by index costs several
// times as much per byte as walking a buffer, and the parser and the executor read the bytes of
// most words, names and values.
extension Sequence<UInt8> {
    /// `body` over the bytes: their own storage when it is contiguous (a native string, small ones
    /// included; an array), else a copy.
    func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        withContiguousStorageIfAvailable(body) ?? Array(self).withUnsafeBufferPointer(body)
    }
}
