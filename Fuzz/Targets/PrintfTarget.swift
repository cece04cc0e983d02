import CPL

extension FuzzTarget {
    /// Input: the words after `printf`, separated by NUL bytes.
    static func printf(_ input: [UInt8]) {
        guard !hasHugeNumber(input) else { return }
        _ = Printf.run(fields(input))
    }

    /// Whether a run of digits is over 4,000,000 as a C int (widths and precisions are ints, and
    /// dash truncates a `*` operand to one). The output grows with the width, as dash's does:
    /// `%888888888b` is 888 MB, slow without being a bug.
    private static func hasHugeNumber(_ input: [UInt8]) -> Bool {
        var value: Int64 = 0
        for byte in input + [0] {
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                value = value.multipliedReportingOverflow(by: 10).partialValue &+ Int64(byte - UInt8(ascii: "0"))
            } else {
                if Int32(truncatingIfNeeded: value).magnitude > 4_000_000 { return true }
                value = 0
            }
        }
        return false
    }
}
