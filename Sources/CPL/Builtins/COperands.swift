import Glibc

// printf and test read their operands with C's functions, as dash does; matching dash means seeing
// operands the way those functions do: as NUL-terminated byte strings, numbers read by `strto*`,
// and the C locale (dash never calls setlocale; an embedder of cpl might).

extension String {
    /// The bytes a C function would see: the lossless bytes up to the first NUL.
    var cStringBytes: [UInt8] {
        let bytes = losslessBytes
        guard let end = bytes.firstIndex(of: 0) else { return bytes }
        return Array(bytes[..<end])
    }
}

/// What one of C's `strto*` functions made of a byte string.
struct CNumber<Value> {
    var value: Value
    /// How many bytes the number took (with its leading blanks); 0 when there was none.
    var length: Int
    /// The function set ERANGE (the value is clamped).
    var isOutOfRange: Bool

    /// Runs `convert` (a `strto*` call on its two pointers) over `bytes`, which hold no NUL.
    init(
        _ bytes: [UInt8],
        _ convert: (UnsafePointer<CChar>, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Value
    ) {
        var text = bytes.map { CChar(bitPattern: $0) }
        text.append(0)
        (value, length, isOutOfRange) = text.withUnsafeBufferPointer { buffer in
            let start = buffer.baseAddress!
            var end: UnsafeMutablePointer<CChar>?
            errno = 0
            let value = convert(start, &end)
            let isOutOfRange = errno == ERANGE
            return (value, end.map { UnsafePointer($0) - start } ?? 0, isOutOfRange)
        }
    }
}

/// C's isspace in the C locale.
func isCSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (0x09...0x0D).contains(byte)
}

/// Made once: the C locale for the categories printf and strto* consult (LC_CTYPE for blanks,
/// LC_NUMERIC for the decimal point), which `withCLocale` installs on the calling thread.
private nonisolated(unsafe) let cLocale = newlocale(1 << LC_CTYPE | 1 << LC_NUMERIC, "C", nil)

/// Runs `body` with the calling thread in the C locale.
func withCLocale<Result>(_ body: () -> Result) -> Result {
    let previous = uselocale(cLocale)
    defer { uselocale(previous) }
    return body()
}
