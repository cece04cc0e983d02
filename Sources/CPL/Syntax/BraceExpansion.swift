// Brace expansion (bash's, an extension beyond POSIX sh), done by the parser: `a{b,c}d` is the two
// words `abd acd`, `{1..10..2}` `{01..10}` `{a..e}` are sequences, braces nest. Only unquoted
// braces and commas written in the script count (never ones from quotes, escapes or expansions,
// which are opaque here), so `"{a,b}"`, `\{a,b}` and `$x` with `x={a,b}` stay as they are; `{}`
// and `{a}` are literal. Applied to the words of a simple command and of `for … in`.

extension Word {
    /// Appends the words this one stands for after brace expansion (itself when it has none).
    /// Words that come out empty are dropped, as bash drops them (`x{,}` → `x x`… `{,}` → nothing).
    consuming func appendBraceExpanded(to words: inout ListStack<Word>) {
        let hasBrace = parts.contains {
            if case .literal(let text) = $0 { text.utf8.holds(UInt8(ascii: "{")) } else { false }
        }
        if hasBrace {
            for word in braceExpanded() { words.append(word) }
        } else {
            words.append(self)
        }
    }

    private func braceExpanded() -> [Word] {
        var atoms: [BraceAtom] = []
        for part in parts {
            if case .literal(let text) = part {
                atoms += text.map(BraceAtom.character)
            } else {
                atoms.append(.part(part))
            }
        }
        // A word stands for at most as many words as one sequence may, and their text for at most
        // as much as a sequence's (each is at most about as long as the word): past that it stays
        // as written. `{01..10}` eight times in one word would otherwise be 10^8 words.
        let limit = min(BraceAtom.maximumSequenceItems, BraceAtom.maximumSequenceBytes / max(atoms.count, 1))
        guard let expanded = BraceAtom.expand(atoms[...], limit: limit), expanded.count != 1 else { return [self] }
        return expanded.filter { !$0.isEmpty }.map { Word(parts: $0, range: range, sourceText: sourceText) }
    }
}

/// A character of unquoted literal text, or any other part of a word (opaque to brace expansion).
enum BraceAtom: Equatable {
    case character(Character)
    case part(WordPart)

    static func parts(of atoms: ArraySlice<BraceAtom>) -> [WordPart] {
        var parts: [WordPart] = []
        var text = ""
        for atom in atoms {
            switch atom {
            case .character(let character): text.append(character)
            case .part(let part):
                if !text.isEmpty { parts.append(.literal(text)) }
                text = ""
                parts.append(part)
            }
        }
        if !text.isEmpty { parts.append(.literal(text)) }
        return parts
    }

    /// `pieces` one after another, adjacent literals joined (as `parts(of:)` makes them).
    static func joined(_ pieces: [WordPart]...) -> [WordPart] {
        var joined: [WordPart] = []
        for part in pieces.joined() {
            if case .literal(let text) = part, case .literal(let before)? = joined.last {
                joined[joined.count - 1] = .literal(before + text)
            } else {
                joined.append(part)
            }
        }
        return joined
    }

    /// Every expansion of `atoms`, as word parts, in order: the first `{` that opens a valid brace
    /// expression is expanded, then its alternatives and what follows it, recursively (as bash
    /// does). The results are parts, not atoms: a few words' braces can stand for a million words
    /// (`{01..10}` five times over), and an atom per character of each then took gigabytes.
    /// nil when they would be more than `limit`.
    static func expand(_ atoms: ArraySlice<BraceAtom>, limit: Int) -> [[WordPart]]? {
        var searchFrom = atoms.startIndex
        while let open = atoms[searchFrom...].firstIndex(of: .character("{")) {
            guard let (close, commas) = matchingBrace(atoms, from: open) else {
                searchFrom = open + 1
                continue
            }
            let prefix = parts(of: atoms[atoms.startIndex..<open])
            var alternatives: [[WordPart]] = []
            if !commas.isEmpty {
                let bounds = [open] + commas + [close]
                for index in 0..<(bounds.count - 1) {
                    guard let expanded = expand(atoms[(bounds[index] + 1)..<bounds[index + 1]], limit: limit),
                          expanded.count <= limit - alternatives.count else { return nil }
                    alternatives += expanded
                }
            } else if let sequence = sequence(atoms[(open + 1)..<close]) {
                alternatives = sequence.map { [.literal($0)] }
            } else {
                searchFrom = open + 1
                continue
            }
            guard let suffixes = expand(atoms[(close + 1)...], limit: limit) else { return nil }
            let (count, overflow) = alternatives.count.multipliedReportingOverflow(by: suffixes.count)
            guard !overflow, count <= limit else { return nil }
            return alternatives.flatMap { alternative in suffixes.map { joined(prefix, alternative, $0) } }
        }
        return [parts(of: atoms)]
    }

    /// The `}` that closes the `{` at `open`, and the commas directly inside it; nil if none closes it.
    private static func matchingBrace(_ atoms: ArraySlice<BraceAtom>, from open: Int) -> (Int, [Int])? {
        var depth = 0
        var commas: [Int] = []
        for index in open..<atoms.endIndex {
            switch atoms[index] {
            case .character("{"): depth += 1
            case .character("}"):
                depth -= 1
                if depth == 0 { return (index, commas) }
            case .character(","): if depth == 1 { commas.append(index) }
            default: break
            }
        }
        return nil
    }

    /// The most items, and characters in all, that one sequence may stand for: a larger one stays
    /// as written, as text that is no sequence does. bash tries to make them all, and
    /// `{01555555555555555555..10}` is 1.5 × 10¹⁸ words.
    static let maximumSequenceItems = 1_000_000
    static let maximumSequenceBytes = 1 << 24

    /// `1..10`, `01..10..3`, `a..e`, `z..a..2`: the items, or nil when the text is no sequence.
    private static func sequence(_ atoms: ArraySlice<BraceAtom>) -> [String]? {
        var text = ""
        for atom in atoms {
            guard case .character(let character) = atom else { return nil }
            text.append(character)
        }
        let fields = text.split(separator: ".", omittingEmptySubsequences: false)
        // `a..b` splits into [a, "", b]; with a step, [a, "", b, "", step].
        guard fields.count == 3 || fields.count == 5, fields[1].isEmpty, fields.count == 3 || fields[3].isEmpty else { return nil }
        var step = 1
        if fields.count == 5 {
            guard let given = Int(fields[4]) else { return nil }
            step = given == 0 ? 1 : Int(clamping: given.magnitude)
        }
        let (first, last) = (String(fields[0]), String(fields[2]))
        if let from = Int(first), let to = Int(last) {
            let width = [first, last].contains { $0.drop { $0 == "-" }.count > 1 && $0.drop { $0 == "-" }.hasPrefix("0") }
                ? max(first.count, last.count) : 0
            // The distance as a magnitude, which the type holds even from Int.min to Int.max.
            let distance = from <= to ? UInt(bitPattern: to &- from) : UInt(bitPattern: from &- to)
            let count = distance / UInt(step) + 1
            let itemBytes = max(width, String(from).count, String(to).count)
            guard count <= maximumSequenceItems, Int(count) * itemBytes <= maximumSequenceBytes else { return nil }
            // Each value is between the bounds, so that stepping to it cannot overflow.
            var value = from
            return (0..<Int(count)).map { index in
                if index > 0 { value = from <= to ? value + step : value - step }
                let digits = String(value.magnitude)
                let sign = value < 0 ? "-" : ""
                return sign + String(repeating: "0", count: max(0, width - sign.count - digits.count)) + digits
            }
        }
        guard first.unicodeScalars.count == 1, last.unicodeScalars.count == 1,
            let from = first.unicodeScalars.first, let to = last.unicodeScalars.first, from.isASCII, to.isASCII,
            from.properties.isAlphabetic, to.properties.isAlphabetic
        else { return nil }
        let values = from.value <= to.value
            ? Array(stride(from: from.value, through: to.value, by: step))
            : Array(stride(from: from.value, through: to.value, by: -step))
        return values.map { String(Character(Unicode.Scalar($0)!)) }
    }
}
