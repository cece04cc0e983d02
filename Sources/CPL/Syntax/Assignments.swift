// `NAME=value` words before the command name.
//
// A word is an assignment when its first part is unquoted text starting with
// `NAME=` (NAME = [A-Za-z_][A-Za-z0-9_]*). So `A=1`, `A=` and `A="x y"` are
// assignments but `"A"=1`, `A\=1` and `1A=2` are not. In the value, an
// unquoted `~` at the start or right after an unquoted `:` begins a tilde
// prefix (as in sh: `PATH=~/bin:~x/bin`).

extension Parser {
    /// The assignment a word token stands for, if it has the form.
    func assignment(from word: Word, token: Token) -> Assignment? {
        guard case .literal(let first)? = word.parts.first, first.utf8.holds(UInt8(ascii: "=")) else { return nil }
        let length: Int? = first.utf8.withBytes { utf8 in
            guard Parser.isNameStart(utf8.first) else { return nil }
            var length = 1
            while length < utf8.count, Parser.isNameCharacter(utf8[length]) { length += 1 }
            return length < utf8.count && utf8[length] == UInt8(ascii: "=") ? length : nil
        }
        guard let nameLength = length else { return nil }
        // The name and the `=` are ASCII, so their UTF-8 offsets are indices of the string too.
        let equals = first.utf8.index(first.utf8.startIndex, offsetBy: nameLength)
        let name = String(first[..<equals])
        let rest = String(first[first.utf8.index(after: equals)...])
        var valueParts: [WordPart] = []
        let valueCount = word.parts.count - (rest.isEmpty ? 1 : 0)
        if valueCount > 0 { valueParts.reserveCapacity(valueCount) }
        if !rest.isEmpty { valueParts.append(.literal(rest)) }
        valueParts += word.parts.dropFirst()

        // Find where the value starts in the buffer (backslash-newlines may
        // sit inside the name).
        var index = token.start
        var seen = 0
        while seen < nameLength + 1, index < token.end {
            if bytes[index] == UInt8(ascii: "\\"), byte(at: index + 1) == UInt8(ascii: "\n") {
                index += 2
                continue
            }
            index += 1
            seen += 1
        }
        let value = Word(
            parts: Parser.withAssignmentTildes(valueParts), range: range(index, token.end),
            sourceText: text(index, token.end))
        return Assignment(name: name, value: value, range: word.range)
    }

    /// Splits `.tilde` parts out of the unquoted text of an assignment value.
    static func withAssignmentTildes(_ parts: [WordPart]) -> [WordPart] {
        let mayHoldTilde = parts.contains {
            if case .literal(let text) = $0 { text.utf8.holds(UInt8(ascii: "~")) } else { false }
        }
        guard mayHoldTilde else { return parts }
        var result: [WordPart] = []
        for (partIndex, part) in parts.enumerated() {
            guard case .literal(let text) = part else {
                result.append(part)
                continue
            }
            let scalars = Array(text.unicodeScalars)
            let isLastPart = partIndex == parts.count - 1
            var pending = String.UnicodeScalarView()
            var atSegmentStart = partIndex == 0
            var index = 0
            while index < scalars.count {
                if atSegmentStart, scalars[index] == "~" {
                    var end = index + 1
                    while end < scalars.count, scalars[end] != "/", scalars[end] != ":" { end += 1 }
                    // A prefix running into a following quoted or expanded
                    // part is not a tilde prefix.
                    if end < scalars.count || isLastPart {
                        if !pending.isEmpty {
                            result.append(.literal(String(pending)))
                            pending = String.UnicodeScalarView()
                        }
                        var user = String.UnicodeScalarView()
                        user.append(contentsOf: scalars[(index + 1)..<end])
                        result.append(.tilde(user: user.isEmpty ? nil : String(user)))
                        index = end
                        atSegmentStart = false
                        continue
                    }
                }
                atSegmentStart = scalars[index] == ":"
                pending.append(scalars[index])
                index += 1
            }
            if !pending.isEmpty { result.append(.literal(String(pending))) }
        }
        return result
    }
}
