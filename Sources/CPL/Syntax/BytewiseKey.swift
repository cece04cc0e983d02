/// A string as a dictionary key, with its hash (FNV-1a over the UTF-8 bytes) computed once per
/// access: equal hashes are compared, different ones are not. Keys are equal when their bytes are,
/// as in sh (`String`'s `==` would equate `é` written as one scalar and as two); for ASCII keys
/// that is `String`'s own, quick `==`. Shell variable names and the parser's table of words use it.
struct BytewiseKey: Hashable, Sendable {
    let text: String
    let hash: UInt64
    let isASCII: Bool

    init(_ text: String) {
        self.text = text
        (hash, isASCII) = text.utf8.withBytes(Self.hash)
    }

    /// FNV-1a of `bytes`, and whether they are all ASCII.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, Bool) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var seen: UInt8 = 0
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            seen |= byte
        }
        return (hash, seen < 0x80)
    }

    static func == (lhs: BytewiseKey, rhs: BytewiseKey) -> Bool {
        guard lhs.hash == rhs.hash else { return false }
        return lhs.isASCII && rhs.isASCII ? lhs.text == rhs.text : lhs.text.utf8.elementsEqual(rhs.text.utf8)
    }

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }

    /// The dictionary's bucket from the stored hash, mixed with the table's seed, without
    /// running `Hasher` (SipHash) at each access.
    func _rawHashValue(seed: Int) -> Int {
        var mixed = hash ^ UInt64(UInt(bitPattern: seed))
        mixed = (mixed ^ (mixed >> 32)) &* 0x9e37_79b9_7f4a_7c15
        return Int(truncatingIfNeeded: mixed ^ (mixed >> 29))
    }
}
