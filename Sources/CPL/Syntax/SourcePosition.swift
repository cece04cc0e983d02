import Glibc

/// A point in a source text.
///
/// - `offset` is the 0-based UTF-8 byte offset from the start of the source.
/// - `line` is 1-based; lines are separated by `\n` only.
/// - `column` is 1-based and counts **Unicode scalars** from the start of the
///   line (a tab counts as one column, as does `é` written as one scalar).
///   Diagnostics expand tabs when they draw the caret, so it still lines up.
///
/// Every syntax node holds two of these, so they are stored in 32 bits each (a script is far
/// below 4 GiB; larger values are clamped).
public struct SourceLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    private var storedOffset: UInt32
    private var storedLine: UInt32
    private var storedColumn: UInt32

    public var offset: Int {
        get { Int(storedOffset) }
        set { storedOffset = UInt32(clamping: newValue) }
    }

    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = UInt32(clamping: newValue) }
    }

    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = UInt32(clamping: newValue) }
    }

    @inline(__always)
    public init(offset: Int, line: Int, column: Int) {
        storedOffset = UInt32(clamping: offset)
        storedLine = UInt32(clamping: line)
        storedColumn = UInt32(clamping: column)
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
        var ascii: [Bool] = []
        // Line by line: memchr finds each newline, and a line is checked for non-ASCII bytes eight at
        // a time (a byte-at-a-time loop was a few percent of parsing a script).
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var start = 0
            while true {
                let newline = memchr(base + start, Int32(UInt8(ascii: "\n")), buffer.count - start)
                let end = newline.map { UnsafeRawPointer($0) - base } ?? buffer.count
                ascii.append(Self.isASCII(UnsafeRawBufferPointer(rebasing: buffer[start..<end])))
                guard end < buffer.count else { break }
                start = end + 1
                starts.append(start)
            }
        }
        if ascii.isEmpty { ascii = [true] }
        self.bytes = bytes
        self.lineStarts = starts
        self.lineIsASCII = ascii
    }

    private static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        var high: UInt64 = 0
        while index + 8 <= bytes.count {
            high |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            high |= UInt64(bytes[index])
            index += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
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
        location(at: rawOffset, from: nil).location
    }

    /// The location of `rawOffset`, and how many bytes were walked to count its column. The line
    /// of `known`, a location found before, and the line after it are tried before a search of
    /// all lines: the parser asks for locations in nearly ascending order, mostly on the line it
    /// is on (a command's start after its last word) or the next. On a line that is not ASCII the
    /// column is counted from `known` when that is on the same line and nearer than the line's
    /// start, so a long line is walked about once, not once per token.
    func location(at rawOffset: Int, from known: SourceLocation?) -> (location: SourceLocation, walked: Int) {
        let offset = min(max(rawOffset, 0), bytes.count)
        let line: Int
        if let known, holds(offset, line: known.line - 1) {
            line = known.line - 1
        } else if let known, holds(offset, line: known.line) {
            line = known.line
        } else {
            line = lineIndex(of: offset)
        }
        let lineStart = lineStarts[line]
        if lineIsASCII[line] {
            return (SourceLocation(offset: offset, line: line + 1, column: offset - lineStart + 1), 0)
        }
        var from = SourceLocation(offset: lineStart, line: line + 1, column: 1)
        if let known, known.line == line + 1, abs(known.offset - offset) < offset - lineStart {
            from = known
        }
        // Columns count scalars: every byte but UTF-8 continuation bytes starts one.
        var scalars = 0
        for index in min(from.offset, offset)..<max(from.offset, offset) where bytes[index] & 0xC0 != 0x80 {
            scalars += 1
        }
        let column = from.offset <= offset ? from.column + scalars : from.column - scalars
        return (SourceLocation(offset: offset, line: line + 1, column: column), abs(from.offset - offset))
    }

    /// Where the 0-based line `index` ends: the offset of the next line's start, or past the end.
    private func lineEnd(_ index: Int) -> Int {
        index + 1 < lineStarts.count ? lineStarts[index + 1] : bytes.count + 1
    }

    /// The offsets of the 1-based line `number` (its newline included) when it is ASCII.
    func asciiLine(_ number: Int) -> Range<Int>? {
        let index = number - 1
        guard index >= 0, index < lineStarts.count, lineIsASCII[index] else { return nil }
        return lineStarts[index]..<lineEnd(index)
    }

    /// Whether the 0-based line `index` exists and holds `offset`.
    private func holds(_ offset: Int, line index: Int) -> Bool {
        index < lineStarts.count && lineStarts[index] <= offset && offset < lineEnd(index)
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
