/// The fields a word is being expanded into, before empty-field removal and
/// globbing.
///
/// Each character remembers whether it may act as a glob wildcard: only text
/// written unquoted in the script does. The value of an expansion never does
/// (cpl does not re-glob or split expansion values, see `WordExpander`).
struct PendingField {
    var pieces: [GlobPiece] = []
    /// The field survives even when empty: it had quotes, literal text, or a tilde.
    var isSolid = false
    /// Some piece is unquoted script text (a glob candidate).
    var hasUnquotedText = false

    var text: String {
        if pieces.count == 1 { return pieces[0].text }
        var result = ""
        for piece in pieces { result += piece.text }
        return result
    }

    mutating func append(_ text: String, wildcardsActive: Bool) {
        guard !text.isEmpty else { return }
        let quoted = !wildcardsActive
        if wildcardsActive { hasUnquotedText = true }
        if let last = pieces.indices.last, pieces[last].isQuoted == quoted {
            pieces[last].text += text
        } else {
            pieces.append(GlobPiece(text, isQuoted: quoted))
        }
    }
}

/// Collects fields; `"$@"` (and unquoted `$@`/`$*`) start new ones.
struct FieldAccumulator {
    private(set) var finished: [PendingField] = []
    var current = PendingField()

    mutating func append(_ text: String, wildcardsActive: Bool = false) {
        current.append(text, wildcardsActive: wildcardsActive)
    }

    mutating func markSolid() { current.isSolid = true }

    /// Ends the current field and starts an empty one.
    mutating func breakField() {
        finished.append(current)
        current = PendingField()
    }

    mutating func finish() -> [PendingField] {
        finished.append(current)
        current = PendingField()
        defer { finished = [] }
        return finished
    }
}
