/// Where each byte of a parser's buffer is in the source text: ranges and diagnostics point into
/// the source even for the text of a backquoted substitution, a here-document body or an alias.
///
/// Most buffers are a run of the source as it stands (the whole source, a here-document body
/// without tabs stripped): then an offset is one addition, and no entry per byte is kept.
enum OffsetMap {
    /// Buffer index `i` is source offset `base + i`, for a buffer of `count` bytes.
    case shifted(base: Int, count: Int)
    /// One source offset per buffer byte, plus one for the end.
    case table([Int])

    /// The source offset of buffer index `index` (clamped to the buffer and its end).
    @inline(__always)
    subscript(index: Int) -> Int {
        switch self {
        case .shifted(let base, let count): base + min(max(index, 0), count)
        case .table(let offsets): offsets[min(max(index, 0), offsets.count - 1)]
        }
    }

    /// The first buffer index at or after source offset `offset`.
    func bufferIndex(atOrAfter offset: Int) -> Int {
        switch self {
        case .shifted(let base, let count): min(max(offset - base, 0), count)
        case .table(let offsets): offsets.firstIndex { $0 >= offset } ?? 0
        }
    }

    /// The map of the `count` bytes from buffer index `start` (and the end after them), as a buffer
    /// of their own: a here-document body without tabs stripped.
    func run(from start: Int, count: Int) -> OffsetMap {
        switch self {
        case .shifted(let base, _): .shifted(base: base + start, count: count)
        case .table(let offsets): .table(Array(offsets[start...(start + count)]))
        }
    }

    /// The map as a table, one entry per index from 0 through `count`.
    var offsets: [Int] {
        switch self {
        case .shifted(let base, let count): Array(base...(base + count))
        case .table(let offsets): offsets
        }
    }
}
