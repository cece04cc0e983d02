// Scanning of words: unquoted text, backslash escapes, single and double
// quotes, tilde prefixes. `$` and backquotes are in Expansions.swift.

/// Collects word parts, merging adjacent literal bytes into one `.literal`.
///
/// Literal text is almost always one stretch of the buffer: it is kept as a range and decoded
/// once, when the part is added. Only text that a removed line continuation split is copied.
struct PartsBuilder {
    private let bytes: [UInt8]
    private(set) var parts: [WordPart] = []
    /// Literal text before the gap(s) of `run`.
    private var pendingBytes: [UInt8] = []
    /// The latest stretch of literal text in `bytes`.
    private var run = 0..<0

    init(scanning bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Adds the byte at `index` of the scanned buffer to the literal text.
    mutating func appendLiteral(at index: Int) {
        if run.isEmpty {
            run = index..<index + 1
        } else if run.upperBound == index {
            run = run.lowerBound..<index + 1
        } else {
            pendingBytes += bytes[run]
            run = index..<index + 1
        }
    }

    mutating func append(_ part: WordPart) {
        flush()
        parts.append(part)
    }

    private mutating func flush() {
        guard !run.isEmpty else { return }
        if pendingBytes.isEmpty {
            parts.append(.literal(String(decoding: bytes[run], as: UTF8.self)))
        } else {
            pendingBytes += bytes[run]
            parts.append(.literal(String(decoding: pendingBytes, as: UTF8.self)))
            pendingBytes.removeAll()
        }
        run = 0..<0
    }

    mutating func finish() -> [WordPart] {
        flush()
        return parts
    }
}

/// Where an unquoted word is being scanned.
enum UnquotedContext {
    /// A word token: ends at a blank, newline or one of `| & ; < > ( )`.
    case word
    /// The argument of `${X:-…}` outside double quotes: ends at `}`.
    /// Blanks, newlines and operators are literal there.
    case parameterArgument
    /// The pattern of `${X/pattern/…}` outside double quotes: as `parameterArgument`, and also
    /// ends at `/`.
    case replacementPattern
}

/// Text with double-quote-like rules.
enum QuotedContext {
    /// `"…"`: backslash escapes `$ ` " \` and newline.
    case doubleQuotes
    /// An unquoted here-document body: backslash escapes `$ ` \` and
    /// newline; `"` is literal. Ends at the end of the buffer.
    case hereDocumentBody
    /// The argument of `${X:-…}` inside double quotes: backslash also
    /// escapes `}`; a nested `"…"` is allowed; ends at `}`.
    case parameterArgumentInDoubleQuotes
    /// The pattern of `${X/pattern/…}` inside double quotes: as `parameterArgumentInDoubleQuotes`,
    /// backslash also escapes `/`, and it also ends at `/`.
    case replacementPatternInDoubleQuotes
    /// The expression of `$((…))`: as in double quotes; ends at the `))` that balances its
    /// parentheses.
    case arithmetic
}

extension Parser {
    static func isDigit(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    static func isNameStart(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_")
    }

    static func isNameCharacter(_ byte: UInt8?) -> Bool {
        isNameStart(byte) || isDigit(byte)
    }

    /// The character starting at `index` (one Unicode scalar) and its length
    /// in bytes.
    func character(at index: Int) -> (Character, Int) {
        let lead = bytes[index]
        var length = 1
        if lead >= 0xF0 { length = 4 } else if lead >= 0xE0 { length = 3 } else if lead >= 0xC0 { length = 2 }
        var end = index + 1
        while end < min(index + length, bytes.count), bytes[end] & 0xC0 == 0x80 { end += 1 }
        let text = String(decoding: bytes[index..<end], as: UTF8.self)
        return (text.first ?? "\u{FFFD}", end - index)
    }

    /// Scans unquoted word text from `position` until the context's end.
    mutating func scanWord(context: UnquotedContext) throws(ParseError) -> [WordPart] {
        var builder = PartsBuilder(scanning: bytes)
        let start = position
        while let byte = byte(at: position) {
            switch context {
            case .word: if Parser.isMetacharacter(byte) { return builder.finish() }
            case .parameterArgument: if byte == UInt8(ascii: "}") { return builder.finish() }
            case .replacementPattern: if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "/") { return builder.finish() }
            }
            switch byte {
            case UInt8(ascii: "\\"):
                if try skipLineContinuation() { continue }
                guard position + 1 < bytes.count else {
                    throw error(
                        "unexpected end of input after `\\`", at: position, incomplete: true,
                        label: "this backslash escapes nothing")
                }
                let (escaped, length) = character(at: position + 1)
                builder.append(.escaped(escaped))
                position += 1 + length
            case UInt8(ascii: "'"):
                builder.append(try scanSingleQuoted())
            case UInt8(ascii: "\""):
                builder.append(try scanDoubleQuoted())
            case UInt8(ascii: "$"):
                if self.byte(at: position + 1) == UInt8(ascii: "'") {
                    builder.append(try scanDollarSingleQuoted())
                } else if let part = try scanDollar(inDoubleQuotes: false) {
                    builder.append(part)
                } else {
                    builder.appendLiteral(at: position)
                    position += 1
                }
            case UInt8(ascii: "`"):
                builder.append(try scanBackquote(inDoubleQuotes: false))
            case UInt8(ascii: "~") where position == start:
                if let end = tildePrefixEnd(context: context) {
                    let user = text(position + 1, end)
                    builder.append(.tilde(user: user.isEmpty ? nil : user))
                    position = end
                } else {
                    builder.appendLiteral(at: position)
                    position += 1
                }
            default:
                builder.appendLiteral(at: position)
                position += 1
            }
        }
        return builder.finish()
    }

    /// For a `~` at `position`: the end of the tilde prefix (the `/` or the
    /// end of the word), or nil if any character of the prefix is quoted or
    /// starts an expansion (then the `~` is literal).
    func tildePrefixEnd(context: UnquotedContext) -> Int? {
        var index = position + 1
        while let byte = byte(at: index) {
            if byte == UInt8(ascii: "/") { break }
            switch context {
            case .word: if Parser.isMetacharacter(byte) { return index }
            case .parameterArgument: if byte == UInt8(ascii: "}") { return index }
            case .replacementPattern: if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "/") { return index }
            }
            switch byte {
            case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "$"), UInt8(ascii: "`"):
                return nil
            default:
                index += 1
            }
        }
        return index
    }

    /// `'…'` at `position`.
    mutating func scanSingleQuoted() throws(ParseError) -> WordPart {
        let open = position
        var index = open + 1
        while let byte = byte(at: index), byte != UInt8(ascii: "'") { index += 1 }
        guard index < bytes.count else {
            throw error(
                "unterminated single quote", at: open, incomplete: true,
                label: "quote opened here", note: "the input ended before the closing `'`")
        }
        position = index + 1
        return .singleQuoted(text(open + 1, index))
    }

    /// `"…"` at `position`.
    mutating func scanDoubleQuoted() throws(ParseError) -> WordPart {
        let open = position
        position += 1
        let parts = try scanQuoted(context: .doubleQuotes)
        guard byte(at: position) == UInt8(ascii: "\"") else {
            throw error(
                "unterminated double quote", at: open, incomplete: true,
                label: "quote opened here", note: "the input ended before the closing `\"`")
        }
        position += 1
        return .doubleQuoted(parts)
    }

    static func isEscapable(_ byte: UInt8, in context: QuotedContext) -> Bool {
        switch byte {
        case UInt8(ascii: "$"), UInt8(ascii: "`"), UInt8(ascii: "\\"): true
        case UInt8(ascii: "\""): context != .hereDocumentBody
        case UInt8(ascii: "}"): context == .parameterArgumentInDoubleQuotes || context == .replacementPatternInDoubleQuotes
        case UInt8(ascii: "/"): context == .replacementPatternInDoubleQuotes
        default: false
        }
    }

    /// Scans double-quote-like text from `position` up to (not including) its
    /// closer, or the end of the buffer; the caller checks the closer.
    mutating func scanQuoted(context: QuotedContext) throws(ParseError) -> [WordPart] {
        var builder = PartsBuilder(scanning: bytes)
        var parentheses = 0
        while let byte = byte(at: position) {
            switch context {
            case .doubleQuotes: if byte == UInt8(ascii: "\"") { return builder.finish() }
            case .parameterArgumentInDoubleQuotes: if byte == UInt8(ascii: "}") { return builder.finish() }
            case .replacementPatternInDoubleQuotes:
                if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "/") { return builder.finish() }
            case .hereDocumentBody: break
            case .arithmetic:
                if byte == UInt8(ascii: "(") { parentheses += 1 }
                if byte == UInt8(ascii: ")") {
                    if parentheses == 0 { return builder.finish() }
                    parentheses -= 1
                }
            }
            switch byte {
            case UInt8(ascii: "\\"):
                guard let next = self.byte(at: position + 1) else {
                    builder.appendLiteral(at: position)
                    position += 1
                    continue
                }
                if next == UInt8(ascii: "\n") {
                    position += 2
                } else if Parser.isEscapable(next, in: context) {
                    builder.append(.escaped(Character(Unicode.Scalar(next))))
                    position += 2
                } else {
                    builder.appendLiteral(at: position)
                    position += 1
                }
            case UInt8(ascii: "$"):
                if let part = try scanDollar(inDoubleQuotes: true) {
                    builder.append(part)
                } else {
                    builder.appendLiteral(at: position)
                    position += 1
                }
            case UInt8(ascii: "`"):
                builder.append(try scanBackquote(inDoubleQuotes: context != .hereDocumentBody))
            case UInt8(ascii: "\"")
            where context == .parameterArgumentInDoubleQuotes || context == .replacementPatternInDoubleQuotes
                || context == .arithmetic:
                builder.append(try scanDoubleQuoted())
            default:
                builder.appendLiteral(at: position)
                position += 1
            }
        }
        return builder.finish()
    }
}
