/// POSIX mode's expansion rules (`set -o posix`), where cpl otherwise keeps an expansion's value
/// whole: in a word that makes fields (arguments, `for` words), the value of an unquoted
/// parameter expansion, command substitution or arithmetic expansion is split at IFS (POSIX
/// 2.6.5, `FieldSplitter`) and each resulting field is a pathname pattern (unless `set -f`).
/// Assignments, redirection targets, here-documents and `case` words are not split, as in sh.
extension WordExpander {
    /// Whether the unquoted expansion being expanded now splits: POSIX mode, making fields.
    var splitsValues: Bool { splitsSubstitutions && context.splitsExpansionValues }

    /// Appends an unquoted expansion's value, split at IFS, its pieces glob candidates.
    mutating func appendSplitting(_ value: String, into fields: inout FieldAccumulator) {
        FieldSplitter(ifs: context.variable("IFS")).split(value, into: &fields, wildcardsActive: true)
    }

    /// `${x-word}`, `${x:-word}`, `${x+word}`, `${x:+word}` whose word is chosen: the word is
    /// expanded in place, with its own quoting, as sh does. So `${1+"$@"}` is one field per
    /// positional parameter and `${x:-a "b c"}` is `a` and `b c`. False when the word is not
    /// chosen (the caller expands the parameter itself).
    mutating func expandChosenWord(
        of parameter: ParameterExpansion, quoted: Bool, into fields: inout FieldAccumulator
    ) async throws(ExpansionError) -> Bool {
        func isMissing(_ value: String?, _ colon: Bool) -> Bool { value == nil || (colon && value!.isEmpty) }
        let chosen: Bool
        switch parameter.op {
        case .useDefault(let colon)?:
            guard isMissing(await value(of: parameter), colon) else { return false }
            chosen = true
        case .useAlternative(let colon)?:
            chosen = !isMissing(await value(of: parameter), colon)
        default:
            return false
        }
        guard chosen, let argument = parameter.argument else { return true }
        for part in argument.parts {
            // The word's unquoted text is part of the expansion's result: split too.
            if case .literal(let text) = part, !quoted && splitsValues {
                appendSplitting(text, into: &fields)
            } else {
                try await expand([part], quoted: quoted, into: &fields)
            }
        }
        return true
    }
}
