/// `echo` in POSIX mode, as Debian's dash has it: one leading `-n` (exactly that operand) drops
/// the newline; every operand is read as printf's `%b` reads its operand (`\n`, `\t`, `\0NNN`,
/// …, see `PrintfEscapes`), and `\c` ends all output, the newline included.
enum POSIXEcho {
    static func output(_ operands: [String]) -> String {
        var words = operands[...]
        var newline = true
        if words.first == "-n" {
            newline = false
            words = words.dropFirst()
        }
        var bytes: [UInt8] = []
        for (index, word) in words.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: " ")) }
            let (expanded, stops) = PrintfEscapes.expand(word.losslessBytes)
            bytes += expanded
            if stops { return String(losslessBytes: bytes) }
        }
        if newline { bytes.append(UInt8(ascii: "\n")) }
        return String(losslessBytes: bytes)
    }
}
