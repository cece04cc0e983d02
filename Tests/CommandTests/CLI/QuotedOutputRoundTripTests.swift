import ChildProcess
import Glibc
import Testing

/// What cpl prints quoted for sh to read back does read back: a command of `cpl --plan` pasted
/// into `dash -c` runs the same argv, and `export -p` re-read by dash restores the same values,
/// whatever bytes (1…255, invalid UTF-8) the words hold.
@Suite("Quoted output reads back in sh")
struct QuotedOutputRoundTripTests {
    /// Every byte alone, a quote with a combining mark after it (one Character, yet a quote to
    /// sh), CR LF, shell syntax, then the byte transparency samples (fixed seed).
    static let words: [[UInt8]] =
        (1...255).map { [UInt8($0)] }
        + [
            Array("'\u{301}".utf8), Array("a'\u{301}b".utf8), [0x0D, 0x0A], Array("it's".utf8), Array("a=b".utf8),
            Array("~".utf8), Array("#x".utf8), Array("$(id)".utf8), Array("`id`".utf8), Array("{a,b}".utf8), [0xC3, 0x28, 0xFF, 0x27, 0x80],
        ]
        + ByteTransparencyTests.samples

    /// Command names sh would not take as written: assignments, reserved words, syntax.
    static let hardNames: [String] = [
        "a=b", "x=", "_v1=a b", "if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until",
        "for", "in", "!", "{", "}", "~", "~root", "#x", "-x", "'", "a'\u{301}", "é", "[[", "time", "function",
    ]

    /// 100 names of 2…12 random bytes (no `/`), each with a byte that is not a letter or digit, so
    /// that none is a builtin's name (the one-character builtins `.`, `:` and `[` are too short).
    static let randomNames: [String] = {
        var generator = SeededGenerator(state: 0x91A4)
        var names: [String] = []
        while names.count < 100 {
            let bytes = (0..<Int.random(in: 2...12, using: &generator)).map { _ in
                UInt8.random(in: 1...255, using: &generator)
            }
            let isAlphanumeric = { (byte: UInt8) in (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) }
            guard !bytes.contains(UInt8(ascii: "/")), bytes != Array("..".utf8), !bytes.allSatisfy(isAlphanumeric) else { continue }
            names.append(String(losslessBytes: bytes))
        }
        return names
    }()

    /// The command line of the one stage that `cpl --plan` shows for `"$@"` run with `arguments`
    /// (the stage line is the plan's last: it has no assignments or redirections).
    static func plannedCommand(_ arguments: [String]) async -> String? {
        let result = await runCPL(["--plan", "-c", "\"$@\"", "cpltest"] + arguments)
        let output = result.stdout.losslessBytes
        guard result.status == 0, output.last == 0x0A, let stage = output.firstRange(of: Array("\n    stage 1: program ".utf8))
        else { return nil }
        return String(losslessBytes: output[stage.upperBound..<(output.count - 1)])
    }

    /// A directory whose program `argv` (and every link to it) prints its name and arguments, each
    /// ended by NUL.
    static func makePrinter() -> String {
        let directory = makeTemporaryDirectory()
        createFile(directory + "/argv", "#!/bin/sh\nprintf '%s\\0' \"${0##*/}\" \"$@\"\n", mode: 0o755)
        return directory
    }

    /// What dash prints running `line` with the printer's directory first on PATH (`--`: a line
    /// that starts with `-` is not an option).
    static func dash(_ line: String, printer: String) async throws -> [UInt8] {
        let options = ExecOptions(environment: ["PATH": printer + ":/usr/bin:/bin"])
        return try await ChildProcess.execFile("dash", ["-c", "--", line], options: options).stdoutBytes
    }

    static func nulTerminated(_ words: [String]) -> [UInt8] { words.flatMap { $0.losslessBytes + [0] } }

    @Test("a planned command pasted into dash -c runs the same argv")
    func plannedArgumentsRoundTrip() async throws {
        let printer = Self.makePrinter()
        defer { removeTree(printer) }
        let argv = ["argv"] + Self.words.map { String(losslessBytes: $0) }
        let line = try #require(await Self.plannedCommand(argv))
        #expect(try await Self.dash(line, printer: printer) == Self.nulTerminated(argv))
    }

    @Test("a planned command name is quoted where sh would read it otherwise")
    func plannedCommandNamesRoundTrip() async throws {
        let printer = Self.makePrinter()
        defer { removeTree(printer) }
        for name in Self.hardNames + Self.randomNames {
            let linked = (printer + "/" + name).withLosslessCString { symlink("argv", $0) }
            try #require(linked == 0, "symlink \(Array(name.losslessBytes))")
            let argv = [name, "x=1", "if", String(losslessBytes: [0xFF, 0x27])]
            let line = try #require(await Self.plannedCommand(argv), "plan of \(Array(name.losslessBytes))")
            #expect(try await Self.dash(line, printer: printer) == Self.nulTerminated(argv), "\(Array(name.losslessBytes)): \(line)")
        }
    }

    @Test("export -p read back by dash restores every value")
    func exportListingRoundTrips() async throws {
        let values = Self.words.map { String(losslessBytes: $0) }
        let script = values.indices.map { "export v\($0)=\"${\($0 + 1)}\"" }.joined(separator: "\n") + "\nexport -p"
        let listing = await runCPL(["-c", script, "cpltest"] + values)
        #expect(listing.status == 0)
        let readBack = values.indices.map { "\"$v\($0)\"" }.joined(separator: " ")
        let output = try await ChildProcess.execFile("dash", ["-c", listing.stdout + "\nprintf '%s\\0' \(readBack)"])
        #expect(output.stdoutBytes == Self.nulTerminated(values))
    }
}
