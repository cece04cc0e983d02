/// A point in a source text.
///
/// - `offset` is the 0-based UTF-8 byte offset from the start of the source.
/// - `line` is 1-based; lines are separated by `\n` only.
/// - `column` is 1-based and counts **Unicode scalars** from the start of the
///   line (a tab counts as one column, as does `é` written as one scalar).
///   Diagnostics expand tabs when they draw the caret, so it still lines up.
public struct SourceLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var offset: Int
    public var line: Int
    public var column: Int

    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// A half-open span `[start, end)` of a source text.
///
/// Every syntax node carries one. Nodes that come from a command substitution
/// in backquotes or from a here-document body still point into the original
/// source text (the parser keeps a map from its inner buffers to the file).
public struct SourceRange: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var start: SourceLocation
    /// The location just past the last byte of the node.
    public var end: SourceLocation

    public init(start: SourceLocation, end: SourceLocation) {
        self.start = start
        self.end = end
    }

    /// The byte offsets covered, `start.offset..<end.offset`.
    public var byteRange: Range<Int> { start.offset..<max(start.offset, end.offset) }

    /// `line:column-line:column`.
    public var description: String { "\(start)-\(end)" }
}

/// The original source of a parse: its bytes and where each line starts.
struct SourceText: Sendable {
    let bytes: [UInt8]
    /// Byte offset at which each line starts; `lineStarts[0] == 0`.
    let lineStarts: [Int]
    /// Whether each line is pure ASCII (then columns are byte distances).
    let lineIsASCII: [Bool]

    init(_ string: String) {
        let bytes = Array(string.utf8)
        var starts = [0]
        var ascii = [true]
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "\n") {
                starts.append(index + 1)
                ascii.append(true)
            } else if byte >= 0x80 {
                ascii[ascii.count - 1] = false
            }
        }
        self.bytes = bytes
        self.lineStarts = starts
        self.lineIsASCII = ascii
    }

    /// The 0-based index of the line containing `offset`.
    func lineIndex(of offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset {
                low = middle
            } else {
                high = middle - 1
            }
        }
        return low
    }

    func location(at rawOffset: Int) -> SourceLocation {
        let offset = min(max(rawOffset, 0), bytes.count)
        let index = lineIndex(of: offset)
        if lineIsASCII[index] {
            return SourceLocation(offset: offset, line: index + 1, column: offset - lineStarts[index] + 1)
        }
        var column = 1
        var position = lineStarts[index]
        while position < offset {
            if bytes[position] & 0xC0 != 0x80 { column += 1 }
            position += 1
        }
        return SourceLocation(offset: offset, line: index + 1, column: column)
    }

    /// The text of a 1-based line, without its newline.
    func lineText(_ line: Int) -> String {
        let index = line - 1
        guard index >= 0, index < lineStarts.count else { return "" }
        let start = lineStarts[index]
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
