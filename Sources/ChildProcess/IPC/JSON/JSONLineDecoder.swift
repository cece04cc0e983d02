/// Frames Node's JSON IPC stream (`serialization: 'json'`): each message is
/// `JSON.stringify(value) + "\n"` in UTF-8.
///
/// Feed it byte chunks of any size (partial lines, several lines, a UTF-8
/// sequence split across chunks); it returns one `Result` per complete line, in
/// order. A bad line (including an empty one — `JSON.parse('')` throws in Node
/// too) gives a `.failure` for that line only; the lines around it still decode.
/// Error offsets are byte offsets within the line.
///
/// Splitting on the byte 0x0A before UTF-8 decoding gives the same result as
/// Node's decode-then-split, because 0x0A never occurs inside a multi-byte
/// sequence and it ends any incomplete one.
///
/// ```swift
/// var lines = JSONLineDecoder()
/// for result in lines.decode(chunk) { handle(try result.get()) }
/// ```
public struct JSONLineDecoder: Sendable {
    public var maxDepth: Int
    private var buffer: [UInt8] = []
    /// Start of the first unconsumed line in `buffer`.
    private var head = 0
    /// `buffer[head..<scanned]` is known to contain no newline.
    private var scanned = 0

    public init(maxDepth: Int = JSONParser.defaultMaxDepth) {
        self.maxDepth = maxDepth
    }

    /// Bytes of the incomplete last line waiting for its newline.
    public var pendingByteCount: Int { buffer.count - head }

    /// Adds bytes to the stream; call `next()` to take out complete lines.
    public mutating func append<C: Collection<UInt8>>(contentsOf chunk: C) {
        if head > 0 {
            if head == buffer.count {
                buffer.removeAll(keepingCapacity: true)
                scanned = 0
                head = 0
            } else if head >= 4096 && head * 2 >= buffer.count {
                buffer.removeSubrange(0..<head)
                scanned -= head
                head = 0
            }
        }
        buffer.append(contentsOf: chunk)
    }

    /// The next complete line, decoded; `nil` if no complete line is buffered.
    public mutating func next() -> Result<JSONValue, JSONError>? {
        let newline: Int? = buffer.withUnsafeBufferPointer { buf in
            var j = scanned
            while j < buf.count {
                if buf[j] == 0x0A { return j }
                j += 1
            }
            return nil
        }
        guard let newline else {
            scanned = buffer.count
            return nil
        }
        let line = head..<newline
        head = newline + 1
        scanned = head
        let result = parse(line)
        // One large message must not keep its buffer for the rest of a long-lived stream.
        if head == buffer.count && buffer.capacity > Self.retainedCapacity {
            buffer = []
            head = 0
            scanned = 0
        }
        return result
    }

    /// The buffer capacity kept once every line is taken (what the channel's reads fill anyway).
    private static let retainedCapacity = 1 << 20

    /// Appends `chunk` and returns every line it completes, in order.
    public mutating func decode<C: Collection<UInt8>>(_ chunk: C) -> [Result<JSONValue, JSONError>] {
        append(contentsOf: chunk)
        var results: [Result<JSONValue, JSONError>] = []
        while let r = next() { results.append(r) }
        return results
    }

    /// At end of stream: decodes a final line that lacks its newline, if any
    /// (Node itself silently drops such a fragment), and resets the buffer.
    public mutating func finish() -> Result<JSONValue, JSONError>? {
        defer {
            buffer.removeAll()
            head = 0
            scanned = 0
        }
        guard head < buffer.count else { return nil }
        return parse(head..<buffer.count)
    }

    private func parse(_ range: Range<Int>) -> Result<JSONValue, JSONError> {
        let maxDepth = maxDepth
        return buffer.withUnsafeBytes { raw in
            Result { () throws(JSONError) -> JSONValue in
                try JSONParser.parse(UnsafeRawBufferPointer(rebasing: raw[range]), maxDepth: maxDepth)
            }
        }
    }
}
