/// A syntax error, with everything needed to show it to a person.
///
/// `isIncomplete` is true exactly when the input ended while something was
/// still open: an unclosed quote, `$(`, `${`, backquote, `(` or `{`, a
/// pending here-document body, a trailing `|`, `|&`, `&&`, `||` or `!`, or a
/// trailing backslash. A REPL reads another line and parses again instead
/// of reporting it. Errors inside an already delimited piece of text
/// (backquotes, a here-document body) are never incomplete.
public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// E.g. "syntax error: unexpected `)`", "unterminated single quote".
    public var message: String
    public var fileName: String
    /// Where the caret goes: the offending token, or the opening of the
    /// construct that was left open.
    public var location: SourceLocation
    /// The text of `location.line`, without its newline.
    public var sourceLine: String
    public var isIncomplete: Bool
    /// Short text shown after the caret ("quote opened here").
    public var label: String?
    /// A closing remark ("the input ended before the closing `'`").
    public var note: String?

    public init(
        message: String, fileName: String, location: SourceLocation, sourceLine: String,
        isIncomplete: Bool, label: String? = nil, note: String? = nil
    ) {
        self.message = message
        self.fileName = fileName
        self.location = location
        self.sourceLine = sourceLine
        self.isIncomplete = isIncomplete
        self.label = label
        self.note = note
    }

    public var line: Int { location.line }
    public var column: Int { location.column }

    /// `file:line:column: message`, on one line.
    public var summary: String { "\(fileName):\(line):\(column): \(message)" }

    public var description: String { rendered }
}
