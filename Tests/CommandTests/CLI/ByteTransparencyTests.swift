import ChildProcess
import Glibc
import Testing
@testable import CPL

/// Bytes that are not UTF-8 pass through cpl unchanged: arguments, variables,
/// the environment, file names, `$(…)`, here-documents, script text. Each
/// check runs the built `cpl` and compares the bytes it writes.
@Suite("Byte transparency")
struct ByteTransparencyTests {
    /// 200 byte strings of bytes 1…255 (invalid UTF-8 included), the same on every run.
    static let samples: [[UInt8]] = {
        var generator = SeededGenerator(state: 0xB17E_5EED)
        let interesting: [[UInt8]] = [
            [0xFF], [0x80], [0xC3], [0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF4, 0x8F, 0xBE, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
            [0xED, 0xA0, 0x80], [0x0D, 0x0A], [0x0A], [0x20], [0x27], [0x22], [0x5C], [0x24], [0x2A],
        ]
        return (0..<200).map { index in
            var bytes: [UInt8] = []
            while bytes.count < 1 + index % 24 {
                if Bool.random(using: &generator) {
                    bytes += interesting.randomElement(using: &generator)!
                } else {
                    bytes.append(UInt8.random(in: 1...255, using: &generator))
                }
            }
            return bytes
        }
    }()

    static func text(_ bytes: some Collection<UInt8>) -> String { String(losslessBytes: bytes) }

    /// What `printf '%s\0' …` wrote, split at the NULs.
    static func records(_ output: String) -> [[UInt8]] {
        output.losslessBytes.split(separator: 0, omittingEmptySubsequences: false).dropLast().map(Array.init)
    }

    /// Compares what `printf '%s\0' …` wrote with `expected`, naming the first records that differ.
    static func expectRecords(
        _ output: String, _ expected: [[UInt8]], sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let actual = records(output)
        #expect(actual.count == expected.count, "record count", sourceLocation: sourceLocation)
        let differing = zip(actual, expected).enumerated().filter { $0.element.0 != $0.element.1 }
        for (index, (got, wanted)) in differing.prefix(3) {
            Issue.record("record \(index): \(got) instead of \(wanted)", sourceLocation: sourceLocation)
        }
    }

    static var samplesAsText: [String] { samples.map(text) }

    @Test func arguments() async {
        let result = await runCPL(["-c", "printf '%s\\0' \"$@\"", "name"] + Self.samplesAsText)
        Self.expectRecords(result.stdout, Self.samples)
        #expect(result.status == 0)
    }

    @Test func scriptNameAndBuiltinOutput() async {
        let name = Self.text([0x6E, 0xFF, 0xF4, 0x8F, 0xBE, 0x80])
        let result = await runCPL(["-c", "echo \"$0\"", name])
        #expect(result.stdout.losslessBytes == [0x6E, 0xFF, 0xF4, 0x8F, 0xBE, 0x80, 0x0A])
    }

    @Test func variables() async {
        let script = Self.samples.indices.map { "v=${\($0 + 1)}; printf '%s\\0' \"$v\"" }.joined(separator: "\n")
        let result = await runCPL(["-c", script, "name"] + Self.samplesAsText)
        Self.expectRecords(result.stdout, Self.samples)
    }

    @Test func environmentInheritedAndPassedOn() async {
        var environment = ["PATH": "/usr/bin:/bin", "LC_ALL": "C"]
        for (index, sample) in Self.samples.enumerated() { environment["X\(index)"] = Self.text(sample) }
        let expanded = Self.samples.indices.map { "\"$X\($0)\"" }.joined(separator: " ")
        let viaShell = await runCPL(["-c", "printf '%s\\0' \(expanded)"], environment: environment)
        Self.expectRecords(viaShell.stdout, Self.samples)

        // A child's whole environment (`env -0`): entries are split at their first `=`.
        let viaChild = await runCPL(["-c", "env -0"], environment: environment)
        var seen: [String: [UInt8]] = [:]
        for entry in Self.records(viaChild.stdout) {
            guard let equals = entry.firstIndex(of: UInt8(ascii: "=")) else { continue }
            seen[Self.text(entry[..<equals])] = Array(entry[(equals + 1)...])
        }
        for (index, sample) in Self.samples.enumerated() {
            #expect(seen["X\(index)"] == sample, "X\(index)")
        }
        // An assignment before a program is passed on too.
        let prefixed = await runCPL(["-c", "X=$1 env -0", "name", Self.samplesAsText[0]])
        #expect(Self.records(prefixed.stdout).contains(Array("X=".utf8) + Self.samples[0]))
    }

    @Test func fileNamesFromGlobbing() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        // A file name cannot hold `/`; a leading `.` would hide it from `*`.
        var names = Set<[UInt8]>()
        for sample in Self.samples {
            var name = sample.map { $0 == UInt8(ascii: "/") ? UInt8(ascii: "_") : $0 }
            if name.first == UInt8(ascii: ".") { name[0] = UInt8(ascii: "_") }
            names.insert(name)
        }
        for name in names {
            let fd = (directory + "/" + Self.text(name)).withLosslessCString { open($0, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644) }
            #expect(fd >= 0, "\(name)")
            close(fd)
        }
        let result = await runCPL(["-c", "printf '%s\\0' *"], in: directory)
        // Sorted by bytes, as strcmp does.
        Self.expectRecords(result.stdout, names.sorted { $0.lexicographicallyPrecedes($1) })
        // Every result names its file: a program can open it.
        let opened = await runCPL(["-c", "cat -- * && echo opened"], in: directory)
        #expect(opened.stdout == "opened\n")
        #expect(opened.stderr == "")
    }

    @Test func commandSubstitution() async {
        let script = Self.samples.indices.map { "v=$(printf %s \"${\($0 + 1)}\"); printf '%s\\0' \"$v\"" }
            .joined(separator: "\n")
        let result = await runCPL(["-c", script, "name"] + Self.samplesAsText)
        // Trailing newlines are removed, by design (and only those: a `\r` before them stays).
        let expected = Self.samples.map { sample in
            var bytes = sample
            while bytes.last == 0x0A { bytes.removeLast() }
            return bytes
        }
        Self.expectRecords(result.stdout, expected)
    }

    @Test func hereDocuments() async {
        let script = Self.samples.indices.map { "cat <<EOF\n${\($0 + 1)}\nEOF\nprintf '\\0'" }.joined(separator: "\n")
        let result = await runCPL(["-c", script, "name"] + Self.samplesAsText)
        Self.expectRecords(result.stdout, Self.samples.map { $0 + [0x0A] })
    }

    /// A script that holds every sample literally: `printf '%s\0' 'sample'` lines, and the same
    /// samples in a quoted here-document.
    static var literalScript: [UInt8] {
        var script: [UInt8] = []
        for sample in samples {
            let quoted = sample.flatMap { $0 == UInt8(ascii: "'") ? Array("'\\''".utf8) : [$0] }
            script += Array("printf '%s\\0' '".utf8) + quoted + Array("'\n".utf8)
        }
        script += Array("cat <<'END_OF_BYTES'\n".utf8)
        for sample in samples { script += sample + [0x0A] }
        script += Array("END_OF_BYTES\n".utf8)
        return script
    }

    static var literalScriptOutput: [UInt8] {
        samples.flatMap { $0 + [0] } + samples.flatMap { $0 + [0x0A] }
    }

    @Test func scriptTextFromCommandFileAndStandardInput() async {
        let script = Self.text(Self.literalScript)
        let command = await runCPL(["-c", script])
        #expect(command.stdout.losslessBytes == Self.literalScriptOutput)

        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let fd = open(directory + "/s.cpl", O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        _ = Self.literalScript.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        let file = await runCPL(["s.cpl"], in: directory)
        #expect(file.stdout.losslessBytes == Self.literalScriptOutput)

        let standardInput = await runCPL([], stdin: script)
        #expect(standardInput.stdout.losslessBytes == Self.literalScriptOutput)
    }

    @Test func pathsGivenToTheSystem() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let name = Self.text([0x64, 0xFF, 0xF4, 0x8F, 0xBE, 0x80])
        let script = """
            mkdir -- "$1" && cd "$1" && pwd && echo out >"$1" && cat <"$1" && printf 'echo sourced $#\\n' >s && . ./s &&
            printf 'echo ran\\n' >"x$1" && chmod +x "x$1" && "./x$1" && cd .. && cat "$1/$1"
            """
        let result = await runCPL(["-c", script, "name", name], in: directory)
        let nameBytes = name.losslessBytes
        #expect(result.stdout.losslessBytes == Array((directory + "/").utf8) + nameBytes + Array("\nout\nsourced 1\nran\nout\n".utf8))
        #expect(result.stderr == "")
        // A program is found on a PATH entry whose name is not UTF-8.
        let found = await runCPL(
            ["-c", "x\(name)"], in: directory, environment: ["PATH": "\(directory)/\(name):/usr/bin:/bin"])
        #expect(found.stdout == "ran\n")
    }

    @Test func lengthInTheCLocaleCountsBytes() async {
        let result = await runCPL(["-c", "v=$1; echo ${#v}", "name", Self.text([0xFF, 0xFE, 0x61, 0xC3, 0xA9])])
        #expect(result.stdout == "5\n")
    }

    // MARK: - Against dash

    /// Runs `script` with dash and with cpl in `directory`; both must write the same bytes.
    static func expectSameAsDash(
        _ script: [UInt8], arguments: [[UInt8]] = [], in directory: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) async {
        let words = [text(script), "name"] + arguments.map(text)
        let dash = await onThread { () -> [UInt8]? in
            var options = ExecOptions()
            options.cwd = directory
            options.environment = ["PATH": "/usr/bin:/bin", "HOME": directory, "LC_ALL": "C"]
            return try? ChildProcess.spawnSync("dash", ["-c"] + words, options: options).stdoutBytes
        }
        let cpl = await runCPL(["-c"] + words, in: directory, sourceLocation: sourceLocation)
        #expect(cpl.stdout.losslessBytes == dash, sourceLocation: sourceLocation)
    }

    @Test func differentialCases() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        for name: [UInt8] in [[0x61, 0xFF, 0x2E, 0x74, 0x78, 0x74], [0x62, 0xC3, 0x2E, 0x74, 0x78, 0x74]] {
            let fd = (directory + "/" + Self.text(name)).withLosslessCString { open($0, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644) }
            _ = name.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        let cases: [(script: [UInt8], arguments: [[UInt8]])] = [
            (Array("printf %s \"$1\"".utf8), [[0xFF, 0x78]]),
            (Array("cat *.txt".utf8), []),
            (Array("printf '%s\\n' a*".utf8) + [0xFF] + Array("*".utf8), []),
            (Array("printf '%s\\n' ?".utf8) + [0xC3] + Array(".txt".utf8), []),
            (Array("x=$(printf 'a\\r\\n\\n'); printf %s \"$x\" | od -An -c".utf8), []),
            (Array("v=$1; printf '[%s]' \"${v#?}\" \"${v%?}\"".utf8), [[0xFF, 0xFE, 0x61]]),
            (Array("v=".utf8) + [0xF4, 0x8F, 0xBE, 0x80] + Array("; printf %s \"$v\" | od -An -tx1".utf8), []),
            (Array("cat <<'E'\n".utf8) + [0xFE, 0xFF, 0x0A] + Array("E\n".utf8), []),
            (Array("X=$1 env | grep -a '^X='".utf8), [[0x76, 0xFF]]),
        ]
        for (script, arguments) in cases {
            await Self.expectSameAsDash(script, arguments: arguments, in: directory)
        }
    }
}
