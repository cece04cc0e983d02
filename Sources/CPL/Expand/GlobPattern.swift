import Synchronization
import ChildProcess

/// A run of characters of a shell word, together with whether it was quoted.
///
/// The word expander knows, for every character of a word, whether it came
/// from quotes or a backslash escape. Quoted characters never act as
/// wildcards, bracket delimiters, negation marks or range dashes.
public struct GlobPiece: Sendable, Equatable {
    /// The characters, with quotes and escaping backslashes already removed.
    public var text: String
    /// Whether `text` came from quotes or backslash escapes.
    public var isQuoted: Bool

    public init(_ text: String, isQuoted: Bool = false) {
        self.text = text
        self.isQuoted = isQuoted
    }
}

/// A shell pathname-expansion pattern (POSIX 2.13, matching dash 0.5.12).
///
/// Supported: `*`, `?`, bracket expressions `[abc]`, `[a-z]`, `[!abc]`,
/// `[^abc]`, `]` first in a bracket is literal, the POSIX character classes
/// `[:alnum:]` … `[:xdigit:]` with C-locale (ASCII) semantics, and an
/// unterminated `[` is a literal `[`. Matching works on Unicode scalars;
/// bytes that are not UTF-8 (in file names, and in lossless strings, see
/// LosslessBytes.swift) are matched byte-wise: each is matched by itself, `*`,
/// `?`, a negated bracket, or a bracket of such bytes, never by a class or a
/// range of characters.
///
/// Differences from dash 0.5.12, which works on bytes and does not treat `^`
/// as negation: here `[^…]` negates (as in bash and the POSIX `fnmatch`
/// family), and `?` matches one Unicode scalar rather than one byte.
public struct GlobPattern: Sendable, Equatable {
    /// The word split at every `/` (quoted or not); a leading `/` yields an
    /// empty first segment, a trailing `/` an empty last segment.
    let segments: [GlobSegment]
    /// The whole word as one segment, for `.string` matching (`case`, `${x#p}`).
    let wholeWord: GlobSegment

    /// Creates a pattern from the word's pieces.
    public init(pieces: [GlobPiece]) {
        // The pieces are decoded as one byte string: bytes that are not UTF-8 alone can be once
        // joined (`"\xdd"\x9e` is U+079E, as a file name read from the directory is). Quoting
        // only matters for ASCII, whose characters are one byte each.
        var bytes: [UInt8] = []
        var quoted: [Bool] = []
        for piece in pieces {
            let pieceBytes = piece.text.losslessBytes
            bytes += pieceBytes
            quoted += repeatElement(piece.isQuoted, count: pieceBytes.count)
        }
        var units: [GlobUnit] = []
        var offset = 0
        for scalar in String(losslessBytes: bytes).unicodeScalars {
            units.append(GlobUnit(scalar: scalar, isQuoted: quoted[offset]))
            offset += scalar.losslessByte == nil ? UTF8.width(scalar) : 1
        }
        self.init(units: units)
    }

    /// Creates a pattern from `(text, quoted)` pairs.
    public init(pieces: [(text: String, quoted: Bool)]) {
        self.init(pieces: pieces.map { GlobPiece($0.text, isQuoted: $0.quoted) })
    }

    /// Creates a pattern in which every character is unquoted.
    public init(_ unquotedText: String) {
        self.init(pieces: [GlobPiece(unquotedText)])
    }

    init(units: [GlobUnit]) {
        var segments: [GlobSegment] = []
        var start = units.startIndex
        for index in units.indices where units[index].scalar == "/" {
            segments.append(GlobSegment(units: units[start..<index]))
            start = index + 1
        }
        segments.append(GlobSegment(units: units[start...]))
        self.segments = segments
        self.wholeWord = GlobSegment(units: units[...])
    }

    /// Whether any segment contains an unquoted `*`, `?`, or a complete
    /// unquoted bracket expression. Without wildcards the word is never expanded.
    public var hasWildcards: Bool {
        segments.contains { $0.hasWildcards }
    }

    /// The word as written, with quotes removed (used when nothing matches).
    public var literalText: String {
        wholeWord.literalText
    }

    /// How `matches(_:as:)` treats `/` and leading dots.
    public enum MatchMode: Sendable, Equatable {
        /// Pathname rules: `/` is only matched by a `/` in the pattern, and a
        /// leading `.` of every path component must be matched explicitly.
        case pathname
        /// Plain string rules (for `case` and `${var#pattern}`): wildcards
        /// match any character, including `/` and leading dots.
        case string
    }

    /// Whether `name` matches the pattern. With `.pathname` (the default),
    /// `name` is compared component by component, exactly as `expand(in:)`
    /// would select directory entries.
    public func matches(_ name: String, as mode: MatchMode = .pathname) -> Bool {
        let units = GlobSegment.characters(of: name)
        switch mode {
        case .string:
            return wholeWord.matches(units[...])
        case .pathname:
            let components = units.split(separator: 0x2F, omittingEmptySubsequences: false)
            guard components.count == segments.count else { return false }
            for (segment, component) in zip(segments, components)
            where !segment.matchesFileName(component) {
                return false
            }
            return true
        }
    }
}

/// One character of a pattern.
struct GlobUnit: Sendable, Equatable {
    var scalar: Unicode.Scalar
    var isQuoted: Bool

    func isUnquoted(_ character: Unicode.Scalar) -> Bool {
        !isQuoted && scalar == character
    }
}

/// One element of a compiled path-segment pattern. Characters are `UInt32`:
/// Unicode scalar values, or `GlobSegment.rawByteBase + byte` for bytes that
/// are not UTF-8 (see `GlobSegment.character`).
enum GlobToken: Sendable, Equatable {
    case character(UInt32)
    case anyCharacter
    case anyString
    case bracket(GlobBracket)
}

/// A bracket expression such as `[!a-z[:digit:]_]`.
struct GlobBracket: Sendable, Equatable {
    enum Item: Sendable, Equatable {
        case character(UInt32)
        case range(UInt32, UInt32)
        case characterClass(GlobCharacterClass)
    }

    var isNegated: Bool
    var items: [Item]

    func matches(_ character: UInt32) -> Bool {
        let found = items.contains { item in
            switch item {
            case .character(let member): member == character
            case .range(let low, let high): low <= character && character <= high
            case .characterClass(let characterClass): characterClass.contains(character)
            }
        }
        return found != isNegated
    }

    /// Parses a bracket expression whose opening `[` is just before `start`.
    /// Returns nil when it is unterminated (the `[` is then a literal).
    static func parse(_ units: ArraySlice<GlobUnit>, from start: Int) -> (GlobBracket, next: Int)? {
        var index = start
        var isNegated = false
        if index < units.endIndex, units[index].isUnquoted("!") || units[index].isUnquoted("^") {
            isNegated = true
            index += 1
        }
        var items: [Item] = []
        var isFirst = true
        while index < units.endIndex {
            let unit = units[index]
            if unit.isUnquoted("]") && !isFirst {
                return (GlobBracket(isNegated: isNegated, items: items), index + 1)
            }
            isFirst = false
            if unit.isUnquoted("["),
               let (characterClass, next) = GlobCharacterClass.parse(units, from: index + 1) {
                items.append(.characterClass(characterClass))
                index = next
                continue
            }
            let low = GlobSegment.character(unit.scalar)
            if index + 2 < units.endIndex, units[index + 1].isUnquoted("-"),
               !units[index + 2].isUnquoted("]") {
                items.append(.range(low, GlobSegment.character(units[index + 2].scalar)))
                index += 3
            } else {
                items.append(.character(low))
                index += 1
            }
        }
        return nil
    }
}

/// A POSIX character class with C-locale semantics: non-ASCII characters
/// belong to no class.
enum GlobCharacterClass: String, Sendable, CaseIterable {
    case alnum, alpha, blank, cntrl, digit, graph, lower, print, punct, space, upper, xdigit

    func contains(_ character: UInt32) -> Bool {
        guard character < 0x80 else { return false }
        let isUpper = (0x41...0x5A).contains(character)
        let isLower = (0x61...0x7A).contains(character)
        let isDigit = (0x30...0x39).contains(character)
        let isGraph = (0x21...0x7E).contains(character)
        switch self {
        case .alnum: return isUpper || isLower || isDigit
        case .alpha: return isUpper || isLower
        case .blank: return character == 0x20 || character == 0x09
        case .cntrl: return character < 0x20 || character == 0x7F
        case .digit: return isDigit
        case .graph: return isGraph
        case .lower: return isLower
        case .print: return isGraph || character == 0x20
        case .punct: return isGraph && !(isUpper || isLower || isDigit)
        case .space: return character == 0x20 || (0x09...0x0D).contains(character)
        case .upper: return isUpper
        case .xdigit:
            return isDigit || (0x41...0x46).contains(character) || (0x61...0x66).contains(character)
        }
    }

    /// Parses `:name:]` starting at `start` (just after a `[` inside a
    /// bracket). All of it must be unquoted. An unknown name yields nil, and
    /// the `[` is then an ordinary member, as in dash.
    static func parse(_ units: ArraySlice<GlobUnit>, from start: Int) -> (GlobCharacterClass, next: Int)? {
        guard start < units.endIndex, units[start].isUnquoted(":") else { return nil }
        var name = ""
        var index = start + 1
        while index < units.endIndex, !units[index].isQuoted {
            let scalar = units[index].scalar
            if scalar == ":" {
                guard index + 1 < units.endIndex, units[index + 1].isUnquoted("]") else { return nil }
                guard let characterClass = GlobCharacterClass(rawValue: name) else { return nil }
                return (characterClass, index + 2)
            }
            guard name.unicodeScalars.count < 8 else { return nil }
            name.unicodeScalars.append(scalar)
            index += 1
        }
        return nil
    }
}

/// A compiled pattern for one path component (or a whole word in `.string` mode).
struct GlobSegment: Sendable, Equatable {
    /// Added to a byte that is not part of valid UTF-8; above every scalar value.
    static let rawByteBase: UInt32 = 0x11_0000

    let tokens: [GlobToken]
    /// The text with quotes removed, as the bytes it stands for (used for literal segments).
    let literalBytes: [UInt8]
    let hasWildcards: Bool
    /// dash: a leading `.` of a name is matched only if the pattern starts with `.`.
    let matchesLeadingDot: Bool

    var literalText: String {
        String(losslessBytes: literalBytes)
    }

    init(units: ArraySlice<GlobUnit>) {
        var tokens: [GlobToken] = []
        var hasWildcards = false
        var index = units.startIndex
        while index < units.endIndex {
            let unit = units[index]
            index += 1
            guard !unit.isQuoted else {
                tokens.append(.character(Self.character(unit.scalar)))
                continue
            }
            switch unit.scalar {
            case "*":
                hasWildcards = true
                if tokens.last != .anyString { tokens.append(.anyString) }
            case "?":
                hasWildcards = true
                tokens.append(.anyCharacter)
            case "[":
                if let (bracket, next) = GlobBracket.parse(units, from: index) {
                    hasWildcards = true
                    tokens.append(.bracket(bracket))
                    index = next
                } else {
                    tokens.append(.character(Self.character(unit.scalar)))
                }
            default:
                tokens.append(.character(Self.character(unit.scalar)))
            }
        }
        self.tokens = tokens
        self.hasWildcards = hasWildcards
        self.literalBytes = String(String.UnicodeScalarView(units.map(\.scalar))).losslessBytes
        self.matchesLeadingDot = units.first?.scalar == "."
    }

    /// Matches a file name, applying the leading-dot rule.
    func matchesFileName(_ name: ArraySlice<UInt32>) -> Bool {
        if name.first == 0x2E && !matchesLeadingDot { return false }
        return matches(name)
    }

    /// Plain matching of the whole of `name` (no special treatment of `.` or `/`).
    func matches(_ name: ArraySlice<UInt32>) -> Bool {
        var token = 0
        var position = name.startIndex
        // Backtracking point: the token after the last `*`, and where that `*` stopped.
        var starToken = -1
        var starPosition = position
        while position < name.endIndex {
            if token < tokens.count {
                switch tokens[token] {
                case .anyString:
                    starToken = token
                    starPosition = position
                    token += 1
                    continue
                case .anyCharacter:
                    token += 1
                    position += 1
                    continue
                case .character(let character) where character == name[position]:
                    token += 1
                    position += 1
                    continue
                case .bracket(let bracket) where bracket.matches(name[position]):
                    token += 1
                    position += 1
                    continue
                default:
                    break
                }
            }
            guard starToken >= 0 else { return false }
            token = starToken + 1
            starPosition += 1
            position = starPosition
        }
        while token < tokens.count, tokens[token] == .anyString {
            token += 1
        }
        return token == tokens.count
    }

    /// A scalar of a lossless string as a pattern character: the scalar's
    /// value, or `rawByteBase + byte` for a scalar that stands for a raw byte
    /// (so that no range or class of real characters matches it).
    static func character(_ scalar: Unicode.Scalar) -> UInt32 {
        scalar.losslessByte.map { rawByteBase + UInt32($0) } ?? scalar.value
    }

    /// A lossless string's pattern characters (`character(_:)` of each scalar).
    static func characters(of string: String) -> [UInt32] {
        // ASCII, the usual subject and name, by byte: each byte is its own scalar (a raw byte's
        // scalar stands for a byte of 0x80 or more).
        let ascii = string.utf8.withBytes { bytes -> [UInt32]? in
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
            return bytes.map(UInt32.init)
        }
        return ascii ?? string.unicodeScalars.map(character)
    }

    /// Decodes a file name from readdir as the lossless codec does, into pattern characters.
    static func characters(ofFileName bytes: [UInt8]) -> [UInt32] {
        characters(of: String(losslessBytes: bytes))
    }
}

/// The glob patterns made from a `case` item's patterns that have no expansions, kept with the
/// item: they never change, and making one costs more than matching it. Made the first time the
/// item is tried, in whichever context (subshells on other threads share the syntax tree).
final class CasePatternCache: Sendable, Equatable {
    /// Each made pattern's whole-word segment (all a `case` matches with), boxed: a lookup is then
    /// one reference, where a copy of the segment was a count of each of its arrays.
    private final class Made: Sendable {
        let wholeWord: GlobSegment
        init(_ wholeWord: GlobSegment) { self.wholeWord = wholeWord }
    }

    private let patterns: Mutex<[Made?]>

    init(count: Int) {
        patterns = Mutex(Array(repeating: nil, count: count))
    }

    func keep(_ pattern: GlobPattern, at index: Int) {
        patterns.withLock { $0[index] = Made(pattern.wholeWord) }
    }

    /// Whether pattern `index`, when made, matches `characters` as a string (`case`); nil when it
    /// is not made yet.
    func match(_ index: Int, _ characters: ArraySlice<UInt32>) -> Bool? {
        patterns.withLock { $0[index] }?.wholeWord.matches(characters)
    }

    /// A cache says nothing about the syntax it serves.
    static func == (lhs: CasePatternCache, rhs: CasePatternCache) -> Bool { true }
}
