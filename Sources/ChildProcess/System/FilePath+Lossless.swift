// swift-system's `FilePath` holds a path's bytes exactly; this library's `String` forms carry them
// as lossless strings (LosslessBytes.swift). These two are the crossing, both ways, byte for byte:
// `FilePath.string` and `FilePath(String)` would repair or re-encode what is not UTF-8. (Public:
// a caller mixes the forms with them, a `FilePath` program with `String` arguments.)

extension FilePath {
    /// The path whose bytes `string` stands for (its `losslessBytes`).
    public init(losslessString string: String) {
        self = string.withLosslessCString { FilePath(platformString: $0) }
    }
}

extension String {
    /// `path`'s bytes, decoded losslessly: `FilePath(losslessString:)` gives the path back.
    public init(losslessPath path: FilePath) {
        self = path.withPlatformString { String(losslessCString: $0) }
    }
}
