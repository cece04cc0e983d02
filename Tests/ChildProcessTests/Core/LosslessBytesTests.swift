import ChildProcess
import Glibc
import Testing

@Suite("The lossless byte codec")
struct LosslessBytesTests {
    /// A fixed-seed xorshift64*: the same byte strings on every run.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 0x2545_F491_4F6C_DD1D
        }
    }

    static func roundTrips(_ bytes: [UInt8]) -> Bool {
        String(losslessBytes: bytes).losslessBytes == bytes
    }

    @Test func everySingleByte() {
        for byte in UInt8.min...UInt8.max {
            let text = String(losslessBytes: [byte])
            #expect(text.losslessBytes == [byte], "byte \(byte)")
            #expect(text.unicodeScalars.count == 1)
            if byte < 0x80 {
                #expect(text.unicodeScalars.first?.value == UInt32(byte))
                #expect(text.unicodeScalars.first?.losslessByte == nil)
            } else {
                #expect(text.unicodeScalars.first?.value == 0x10_FF00 + UInt32(byte))
                #expect(text.unicodeScalars.first?.losslessByte == byte)
            }
        }
    }

    @Test func everyPairOfBytes() {
        for first in UInt8.min...UInt8.max {
            for second in UInt8.min...UInt8.max where !Self.roundTrips([first, second]) {
                Issue.record("[\(first), \(second)] does not round-trip")
            }
        }
    }

    @Test func randomByteStrings() {
        var generator = Generator(state: 0x0123_4567_89AB_CDEF)
        for _ in 0..<5000 {
            let count = Int.random(in: 0...40, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(Self.roundTrips(bytes), "\(bytes)")
        }
    }

    @Test func randomMostlyUTF8Strings() {
        // Valid text with a few bad bytes and lead bytes of reserved scalars mixed in: the decoder's
        // resynchronisation after an invalid sequence.
        var generator = Generator(state: 42)
        let pieces: [[UInt8]] = [
            Array("a".utf8), Array("é".utf8), Array("€".utf8), Array("𝄞".utf8), [0xFF], [0xC3], [0xE2, 0x82],
            [0xF4], [0xF4, 0x8F], [0xF4, 0x8F, 0xBE], [0xF4, 0x8F, 0xBE, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
            [0xF4, 0x90, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xC0, 0x80], [0x00],
        ]
        for _ in 0..<3000 {
            let bytes = (0..<Int.random(in: 1...12, using: &generator)).flatMap { _ in
                pieces.randomElement(using: &generator)!
            }
            #expect(Self.roundTrips(bytes), "\(bytes)")
        }
    }

    @Test func validUTF8DecodesAsItself() {
        for text in ["", "plain ascii", "café e\u{301} €𝄞", "\u{10FF7F}", "\u{E000}x"] {
            #expect(String(losslessBytes: Array(text.utf8)) == text)
            #expect(text.losslessBytes == Array(text.utf8))
        }
    }

    @Test func reservedScalarsOwnBytesAreEscapedOneByOne() {
        // F4 8F BE 80 is the UTF-8 of U+10FF80, the first reserved scalar: as bytes from the outside it
        // must come back as those four bytes, not as the single byte 0x80 that U+10FF80 stands for.
        for bytes: [UInt8] in [[0xF4, 0x8F, 0xBE, 0x80], [0xF4, 0x8F, 0xBF, 0xBF], [0x61, 0xF4, 0x8F, 0xBE, 0xBF, 0x62]] {
            let text = String(losslessBytes: bytes)
            #expect(text.losslessBytes == bytes)
            #expect(text.unicodeScalars.map(\.value) == bytes.map { $0 < 0x80 ? UInt32($0) : 0x10_FF00 + UInt32($0) })
        }
        // The scalar just below the reserved range is ordinary text.
        let below: [UInt8] = [0xF4, 0x8F, 0xBD, 0xBF]
        #expect(String(losslessBytes: below).unicodeScalars.map(\.value) == [0x10_FF7F])
        #expect(Self.roundTrips(below))
    }

    @Test func encodingAReservedScalarGivesItsByte() {
        #expect("a\u{10FFFF}b\u{10FF80}".losslessBytes == [0x61, 0xFF, 0x62, 0x80])
        #expect(String(losslessBytes: [0x61, 0xFF, 0x62, 0x80]) == "a\u{10FFFF}b\u{10FF80}")
    }

    @Test func cStrings() {
        let text = String(losslessBytes: [0x2F, 0x74, 0xFF, 0xC3, 0xA9])
        let copied = text.withLosslessCString { pointer in
            (Array(UnsafeBufferPointer(start: pointer, count: strlen(pointer))), String(losslessCString: pointer))
        }
        #expect(copied.0.map { UInt8(bitPattern: $0) } == [0x2F, 0x74, 0xFF, 0xC3, 0xA9])
        #expect(copied.1 == text)
        // The fast path (nothing reserved) hands over the string's own UTF-8.
        #expect("héllo".withLosslessCString { String(cString: $0) } == "héllo")
    }

    @Test func typedErrorsPassThroughWithLosslessCString() {
        #expect(throws: Errno.noSuchFileOrDirectory) {
            try "\u{10FFFF}".withLosslessCString { _ throws(Errno) in throw Errno.noSuchFileOrDirectory }
        }
        #expect(throws: Errno.noSuchFileOrDirectory) {
            try "plain".withLosslessCString { _ throws(Errno) in throw Errno.noSuchFileOrDirectory }
        }
    }

    @Test func environmentArgumentsAndPathsKeepTheirBytes() throws {
        let name = "CPL_LOSSLESS_TEST"
        let value: [UInt8] = [0x76, 0xFF, 0x3D, 0xCC, 0x81]  // `v`, a bad byte, `=`, a combining accent
        setenv(name, (value + [0]).map { CChar(bitPattern: $0) }, 1)
        defer { unsetenv(name) }
        #expect(Environment.value(of: name)?.losslessBytes == value)
        #expect(Environment.current[name]?.losslessBytes == value)

        // argv and envp of a child.
        let text = String(losslessBytes: value)
        #expect(try ChildProcess.spawnSync("printf", ["%s", text]).stdoutBytes == value)
        var options = ExecOptions()
        options.environment = ["PATH": "/usr/bin:/bin", "X": text]
        #expect(try ChildProcess.spawnSync("printenv", ["X"], options: options).stdoutBytes == value + [0x0A])

        // A path given to open and to the child's cwd.
        var template = Array("/tmp/cpl-lossless-XXXXXX".utf8CString)
        let root = String(cString: template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }!)
        defer { _ = try? ChildProcess.spawnSync("rm", ["-rf", root]) }
        let nameBytes: [UInt8] = [0x66, 0xFE, 0xF4, 0x8F, 0xBE, 0x80]
        let directory = root + "/" + String(losslessBytes: nameBytes)
        #expect(directory.withLosslessCString { mkdir($0, 0o700) } == 0)
        try FileDescriptor.open(directory + "/file", O_WRONLY | O_CREAT).close()
        #expect(try ChildProcess.spawnSync("ls", [root]).stdoutBytes == nameBytes + [0x0A])
        options.cwd = directory
        #expect(try ChildProcess.spawnSync("ls", [], options: options).stdoutBytes == Array("file\n".utf8))
    }
}
