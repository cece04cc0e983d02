import Glibc

extension Array where Element == UInt8 {
    /// Reads at most `maxLength` bytes from `descriptor` straight into this array's spare capacity
    /// (`reserveCapacity` first): the bytes go from the kernel to their final place with no
    /// buffer in between, as a C read loop into a realloc'd buffer does.
    ///
    /// - Returns: the number of bytes appended; 0 at end of file.
    /// - Throws: the read's error (EAGAIN included: nothing is appended then).
    mutating func appendRead(from descriptor: FileDescriptor, upTo maxLength: Int) throws(Errno) -> Int {
        let room = Swift.min(maxLength, capacity - count)
        precondition(room > 0, "appendRead needs spare capacity")
        var outcome = DirectRead.Outcome()
        withUnsafeMutablePointer(to: &outcome) { outcome in
            append(contentsOf: DirectRead(descriptor: descriptor, maxLength: room, outcome: outcome))
        }
        if let error = outcome.error { throw error }
        return outcome.count
    }
}

/// A sequence whose elements are what one read(2) returns. `Array.append(contentsOf:)` hands a
/// sequence its spare capacity through `_copyContents(initializing:)` (the standard library's
/// customisation point for bulk copies, which its own buffer types implement); reading there
/// is what lets the kernel write into the array itself.
private struct DirectRead: Sequence {
    /// What the read did: `_copyContents` can only return a count, so the rest comes back here
    /// (a local of `appendRead`'s, not an allocation per read).
    struct Outcome {
        var count = 0
        var error: Errno?
    }

    let descriptor: FileDescriptor
    let maxLength: Int
    let outcome: UnsafeMutablePointer<Outcome>

    struct Iterator: IteratorProtocol {
        mutating func next() -> UInt8? { nil }
    }

    func makeIterator() -> Iterator { Iterator() }

    // Array.append reserves room for this many before it copies: none, the caller reserved it.
    var underestimatedCount: Int { 0 }

    func _copyContents(initializing buffer: UnsafeMutableBufferPointer<UInt8>) -> (Iterator, Int) {
        let length = Swift.min(maxLength, buffer.count)
        guard length > 0, let start = buffer.baseAddress else { return (Iterator(), 0) }
        do {
            outcome.pointee.count = try retryingOnInterrupt { Glibc.read(descriptor.rawValue, start, length) }
        } catch {
            outcome.pointee.error = error
        }
        return (Iterator(), outcome.pointee.count)
    }
}
