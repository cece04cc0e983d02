import ChildProcess
import Glibc

// `read [-r] [-p prompt] NAME…`, as dash's.

extension Executor {
    func read(_ operands: [String]) async throws(ShellExit) -> Int32 {
        var raw = false
        var prompt: String?
        var names = operands[...]
        while let option = names.first, option.hasPrefix("-"), option.count > 1 {
            names = names.dropFirst()
            if option == "--" { break }
            for flag in option.dropFirst() {
                switch flag {
                case "r": raw = true
                case "p":
                    guard let text = names.popFirst() else { return await builtinError("read", "-p: option requires an argument") }
                    prompt = text
                default: return await builtinError("read", "Illegal option -\(flag)")
                }
            }
        }
        guard !names.isEmpty else { return await builtinError("read", "arg count") }
        for name in names where !Parser.isName(name[...]) {
            return await builtinError("read", "\(name): bad variable name")
        }
        if let prompt, isatty(files[0]?.descriptor.rawValue ?? -1) == 1 {
            try? await ShellOutput(files[2]).write(prompt)
        }
        guard let input = files[0] else { return await builtinError("read", "standard input is closed", status: 1) }
        let (characters, complete): ([ReadCharacter], Bool)
        do {
            (characters, complete) = try await ReadLine.read(from: input, raw: raw)
        } catch where error.rawValue == ECANCELED {
            // Its pipeline was killed (Ctrl-C, an abort): silent, as the killed program it stands for.
            return 128 + SIGTERM
        } catch {
            return await builtinError("read", "read error: \(error.description)", status: 1)
        }
        let values = ReadLine.split(characters, into: names.count, ifs: state.variables["IFS"])
        for (name, value) in zip(names, values) {
            try await assign(name, value)
        }
        return complete ? 0 : 1
    }
}

/// One character of a line read by `read`: escaped ones (`\ ` without `-r`) never delimit fields.
struct ReadCharacter {
    var scalar: Unicode.Scalar
    var escaped: Bool
}

enum ReadLine {
    /// Reads one line from `input`, never past its newline, so that the next command finds the
    /// rest (a regular file is read in blocks and the offset put back after the newline; anything
    /// else a byte at a time, as dash does). Without `raw`, backslash-newline continues the line
    /// and a backslash quotes the next character. `complete` is false at end of input.
    static func read(from input: OpenFile, raw: Bool) async throws(Errno) -> ([ReadCharacter], complete: Bool) {
        var bytes: [UInt8] = []
        var escapedAt: Set<Int> = []
        var complete = false
        var pendingBackslash = false
        var chunk: [UInt8] = []
        var chunkIndex = 0
        // A regular file (or block device) can always seek: no lseek probe per line.
        let seekable = input.isRegularFile
        reading: while true {
            if chunkIndex == chunk.count {
                chunk = try await input.read(upTo: seekable ? 4096 : 1)
                chunkIndex = 0
                if chunk.isEmpty { break reading }
            }
            let byte = chunk[chunkIndex]
            chunkIndex += 1
            // A NUL is skipped before anything else looks at it, as dash's read does (a C string
            // could not hold it; bash does the same).
            if byte == 0 { continue }
            if pendingBackslash {
                pendingBackslash = false
                if byte == UInt8(ascii: "\n") { continue }
                escapedAt.insert(bytes.count)
                bytes.append(byte)
                continue
            }
            switch byte {
            case UInt8(ascii: "\n"):
                complete = true
                break reading
            case UInt8(ascii: "\\") where !raw:
                pendingBackslash = true
            default:
                bytes.append(byte)
            }
        }
        if seekable, chunkIndex < chunk.count {
            lseek(input.descriptor.rawValue, off_t(chunkIndex - chunk.count), SEEK_CUR)
        }
        return (characters(bytes, escapedAt: escapedAt), complete)
    }

    /// Decodes losslessly, keeping which characters were escaped.
    private static func characters(_ bytes: [UInt8], escapedAt: Set<Int>) -> [ReadCharacter] {
        if escapedAt.isEmpty {
            return String(losslessBytes: bytes).unicodeScalars.map { ReadCharacter(scalar: $0, escaped: false) }
        }
        var result: [ReadCharacter] = []
        var start = 0
        for index in escapedAt.sorted() + [bytes.count] {
            if index > start {
                result += String(losslessBytes: bytes[start..<index]).unicodeScalars.map { ReadCharacter(scalar: $0, escaped: false) }
            }
            if index < bytes.count {
                result += String(losslessBytes: bytes[index...index]).unicodeScalars.map { ReadCharacter(scalar: $0, escaped: true) }
            }
            start = index + 1
        }
        return result
    }

    /// Splits a line into `count` values at IFS: the last takes the rest of the line (POSIX,
    /// dash): without its trailing IFS white space, and without a single delimiter that ends it.
    static func split(_ line: [ReadCharacter], into count: Int, ifs: String?) -> [String] {
        // An array, not a set: IFS is a few characters, and hashing each character of the line
        // costs more than comparing it with them.
        let separators = Array((ifs ?? " \t\n").unicodeScalars)
        func isSeparator(_ index: Int) -> Bool { !line[index].escaped && separators.contains(line[index].scalar) }
        func isWhite(_ index: Int) -> Bool {
            isSeparator(index) && (line[index].scalar == " " || line[index].scalar == "\t" || line[index].scalar == "\n")
        }
        func text(_ range: Range<Int>) -> String {
            // Encoded into the string's own buffer: appending scalars one at a time to a string
            // costs several times more.
            String(unsafeUninitializedCapacity: range.count * 4) { buffer in
                var count = 0
                for index in range {
                    UTF8.encode(line[index].scalar) { byte in
                        buffer[count] = byte
                        count += 1
                    }
                }
                return count
            }
        }
        /// Past one delimiter at `index`: white space, at most one other separator, white space.
        func skipDelimiter(_ index: inout Int) {
            while index < line.count, isWhite(index) { index += 1 }
            if index < line.count, isSeparator(index) {
                index += 1
                while index < line.count, isWhite(index) { index += 1 }
            }
        }
        var values: [String] = []
        var index = 0
        while index < line.count, isWhite(index) { index += 1 }
        for _ in 0..<max(0, count - 1) {
            let start = index
            while index < line.count, !isSeparator(index) { index += 1 }
            values.append(text(start..<index))
            skipDelimiter(&index)
        }
        let start = index
        var end = index
        while end < line.count, !isSeparator(end) { end += 1 }
        var afterField = end
        skipDelimiter(&afterField)
        if afterField < line.count {
            end = line.count
            while end > start, isWhite(end - 1) { end -= 1 }
        }
        values.append(text(start..<end))
        return values
    }
}
