import Glibc

// Bytes read in place. Walking a `String.UTF8View` (or a `Substring`'s) by index costs several
// times as much per byte as walking a buffer, and the spawn path, the parser and the executor read
// the bytes of most arguments, words, names and values.
extension Sequence<UInt8> {
    /// `body` over the bytes: their own storage when it is contiguous (a native string, small ones
    /// included; an array), else a copy.
    @inlinable package func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        withContiguousStorageIfAvailable(body) ?? Array(self).withUnsafeBufferPointer(body)
    }

    /// Whether `byte` is among the bytes: a `memchr` of a long run (an environment's values), a loop
    /// over a short one (a word), where the call would cost more than the search.
    @inlinable package func holds(_ byte: UInt8) -> Bool {
        withBytes { bytes in
            guard bytes.count >= 32, let base = bytes.baseAddress else { return bytes.contains(byte) }
            return memchr(base, Int32(byte), bytes.count) != nil
        }
    }
}
