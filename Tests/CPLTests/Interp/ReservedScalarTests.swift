import Testing
@testable import CPL

@Suite("Byte transparency of the parser")
struct ReservedScalarTests {
    /// The parser reads `Array(source.utf8)` and slices it back with `String(decoding:)`: exact
    /// for a losslessly decoded source, whose reserved scalars are whole UTF-8 sequences that the
    /// lexer never splits (quotes, escapes, here-documents, words next to expansions).
    @Test func parserKeepsReservedScalars() async {
        let raw: [UInt8] = [0xFF, 0xF4, 0x8F, 0xBE, 0x80, 0xC3]
        var script = Array("v=".utf8) + raw + Array("x; echo \\".utf8) + raw + Array(" \"".utf8) + raw
        script += Array("$v\" '".utf8) + raw + Array("' ${v}".utf8) + raw + Array("\ncat <<E\n".utf8) + raw
        script += Array("$v\nE\n".utf8)
        let result = await run(String(losslessBytes: script))
        let valueBytes = raw + Array("x".utf8)
        var expected = raw + [0x20] + raw + valueBytes + [0x20] + raw + [0x20] + valueBytes + raw + [0x0A]
        expected += raw + valueBytes + [0x0A]
        #expect(result.stdout == expected)
        #expect(result.stderrText == "")
    }
}
