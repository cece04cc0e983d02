import ChildProcess
import Testing
@testable import CPL

/// Found by the glob fuzzer (`Fuzz/regressions/glob/bytes-joined-across-quotes`): pieces whose
/// bytes are not UTF-8 alone but are once joined (`"\xdd"\x9e*` holds U+079E) matched nothing,
/// since each piece had been decoded apart while a directory's names are decoded whole.
@Suite struct GlobPieceJoiningTests {
    @Test func bytesJoinedAcrossPiecesMatchAsOneCharacter() {
        let pattern = GlobPattern(pieces: [
            GlobPiece(String(losslessBytes: [0xDD]), isQuoted: true), GlobPiece(String(losslessBytes: [0x9E]) + "*"),
        ])
        let name = String(losslessBytes: [0xDD, 0x9E, UInt8(ascii: "x")])
        #expect(pattern.hasWildcards)
        #expect(pattern.matches(name, as: .pathname))
        #expect(pattern.matches(name, as: .string))
        #expect(pattern.literalText.losslessBytes == [0xDD, 0x9E, UInt8(ascii: "*")])
    }

    @Test func quotingStaysWithItsCharacters() {
        let pattern = GlobPattern(pieces: [GlobPiece("é*", isQuoted: true), GlobPiece("?")])
        #expect(pattern.matches("é*x", as: .string))
        #expect(!pattern.matches("éyx", as: .string))
    }
}
