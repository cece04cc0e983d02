import ChildProcess
import Testing

/// `String(losslessBytes:)` scans contiguous bytes as one buffer and other collections through a
/// copy; both paths must decode alike. (The generic scan it replaced took a minute under
/// AddressSanitizer for the 20 MB of `printf '%*d' 4274967301 1`, found by the printf fuzzer:
/// `Fuzz/regressions/printf/huge-width`.)
@Suite struct LosslessDecodingPathTests {
    static let samples: [[UInt8]] = [
        [], Array("plain text".utf8), Array("é ☃ 𝄞".utf8), [0x61, 0xFF, 0x62], [0xF4, 0x8F, 0xBF, 0xBF],
        Array(String(losslessBytes: [0x80]).utf8), [0xE2, 0x98], Array(repeating: 0x78, count: 1 << 16),
    ]

    @Test(arguments: samples)
    func contiguousAndOtherCollectionsDecodeAlike(_ bytes: [UInt8]) {
        let contiguous = String(losslessBytes: bytes)
        let other = String(losslessBytes: bytes.lazy.map { $0 })
        #expect(contiguous == other)
        #expect(contiguous.losslessBytes == bytes)
        #expect(String(losslessBytes: bytes[...]) == contiguous)
    }
}
