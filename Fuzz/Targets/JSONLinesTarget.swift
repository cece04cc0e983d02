import ChildProcess

extension FuzzTarget {
    /// Input: one byte that sets the chunk size, then the stream. Decoding it in chunks must give
    /// the same results as decoding it in one piece.
    static func jsonLines(_ input: [UInt8]) {
        guard let first = input.first else { return }
        let stream = input.dropFirst()
        let chunkSize = Int(first % 16) + 1

        var whole = JSONLineDecoder(maxDepth: 64)
        var expected = whole.decode(stream)
        if let last = whole.finish() { expected.append(last) }

        var pieces = JSONLineDecoder(maxDepth: 64)
        var results: [Result<JSONValue, JSONError>] = []
        var start = stream.startIndex
        while start < stream.endIndex {
            let end = min(start + chunkSize, stream.endIndex)
            results += pieces.decode(stream[start..<end])
            start = end
        }
        if let last = pieces.finish() { results.append(last) }
        precondition(results.count == expected.count, "chunking changed the number of lines")
        for (a, b) in zip(results, expected) {
            switch (a, b) {
            case (.success(let x), .success(let y)): precondition(x == y, "chunking changed a value")
            case (.failure(let x), .failure(let y)): precondition(x == y, "chunking changed an error")
            default: preconditionFailure("chunking changed whether a line decodes")
            }
        }
    }
}
