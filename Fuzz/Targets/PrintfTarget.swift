import CPL

extension FuzzTarget {
    /// Input: the words after `printf`, separated by NUL bytes.
    static func printf(_ input: [UInt8]) {
        _ = Printf.run(fields(input))
    }
}
