/// POSIX field splitting (2.6.5) of an expansion's value at the characters of IFS, into the
/// fields being built.
///
/// - IFS unset: space, tab and newline. IFS empty: no splitting.
/// - IFS white space (space, tab, newline in IFS) separates fields; runs of it, and any of it at
///   the start or end of the value, make no empty fields.
/// - Every other IFS character ends a field, even an empty one (`a::b` is `a`, ``, `b`), and IFS
///   white space around it belongs to the same delimiter. A delimiter at the end ends the last
///   field without starting an empty one.
struct FieldSplitter {
    /// IFS's characters. IFS holds a few, so they are searched in order: that costs less than a
    /// set made at every split and a hash of every character of the value.
    private let separators: String.UnicodeScalarView

    init(ifs: String?) {
        separators = (ifs ?? " \t\n").unicodeScalars
    }

    private func holdsSeparator(_ value: String) -> Bool {
        String(separators).utf8.withBytes { ifs in
            // No ASCII byte is part of another character, so an IFS of ASCII characters (nearly
            // every one) is looked for among the value's bytes.
            guard ifs.allSatisfy({ $0 < 0x80 }) else { return value.unicodeScalars.contains(where: separators.contains) }
            return value.utf8.withBytes { $0.contains(where: ifs.contains) }
        }
    }

    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n"
    }

    /// `wildcardsActive`: the pieces are glob candidates (POSIX mode's parameter expansions).
    func split(_ value: String, into fields: inout FieldAccumulator, wildcardsActive: Bool = false) {
        // Most values hold no separator (`yes`, a file name): then the value is the field.
        guard holdsSeparator(value) else {
            fields.append(value, wildcardsActive: wildcardsActive)
            return
        }
        let scalars = Array(value.unicodeScalars)
        var piece = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            guard separators.contains(scalar) else {
                piece.append(scalar)
                index += 1
                continue
            }
            fields.append(String(piece), wildcardsActive: wildcardsActive)
            piece = String.UnicodeScalarView()
            // One delimiter: white space, at most one other IFS character, white space.
            var sawOther = false
            while index < scalars.count, separators.contains(scalars[index]) {
                if !Self.isWhitespace(scalars[index]) {
                    if sawOther { break }
                    sawOther = true
                }
                index += 1
            }
            if sawOther {
                fields.markSolid()
                fields.breakField()
            } else if fields.current.isSolid || !fields.current.pieces.isEmpty {
                fields.breakField()
            }
        }
        fields.append(String(piece), wildcardsActive: wildcardsActive)
    }
}
