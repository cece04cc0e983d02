import CPL

extension FuzzTarget {
    /// Input: `name NUL unquoted NUL quoted NUL unquoted …` — the pattern is built from pieces
    /// that alternate between unquoted and quoted text, as a word's expansion builds it.
    static func glob(_ input: [UInt8]) {
        let parts = fields(input)
        let pieces = parts.dropFirst().enumerated().map { GlobPiece($0.element, isQuoted: $0.offset % 2 == 1) }
        let pattern = GlobPattern(pieces: pieces)
        _ = pattern.matches(parts[0], as: .pathname)
        _ = pattern.matches(parts[0], as: .string)
        // `hasWildcards` is about pathnames: `[a/b]` is a bracket for a string, not for a path.
        precondition(pattern.hasWildcards || pattern.matches(pattern.literalText, as: .pathname),
            "a pattern without wildcards matches its own text")
    }
}
