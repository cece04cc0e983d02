import ChildProcess

// `$NAME`, `$1`, `$?`… and the `${…}` operators.

extension WordExpander {
    /// The raw value of a parameter, nil when unset. `$@`/`$*` join with spaces.
    func value(of name: String) async -> String? {
        if name == "!", context.runTimeStandIn(for: name) == nil {
            return await context.lastBackgroundProcessID.map { String($0) }
        }
        return storedValue(of: name)
    }

    /// The raw value of any parameter but `$!` (which may wait for a job to start).
    func storedValue(of name: String) -> String? {
        if let standIn = context.runTimeStandIn(for: name) { return standIn }
        guard let first = name.utf8.first else { return context.variable(name) }
        if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) {
            guard let index = Int(name) else { return nil }
            if index == 0 { return context.scriptName }
            let positional = context.positionalParameters
            return index <= positional.count ? positional[index - 1] : nil
        }
        // By byte: a `switch` over strings compares the name with each case in turn, and this
        // runs for every variable a script reads.
        guard name.utf8.count == 1 else { return context.variable(name) }
        switch first {
        case UInt8(ascii: "?"): return String(context.lastStatus)
        case UInt8(ascii: "$"): return String(context.shellProcessID)
        case UInt8(ascii: "#"): return String(context.positionalParameters.count)
        case UInt8(ascii: "-"): return context.optionFlags
        case UInt8(ascii: "@"): return context.positionalParameters.joined(separator: " ")
        // `"$*"` joins with the first character of IFS (unset: a space; empty: nothing).
        case UInt8(ascii: "*"):
            return context.positionalParameters.joined(separator: context.variable("IFS").map { String($0.prefix(1)) } ?? " ")
        default: return context.variable(name)
        }
    }

    /// The raw value of the parameter `parameter` names, nil when unset.
    func value(of parameter: ParameterExpansion) async -> String? {
        if let line = lineNumber(of: parameter) { return line }
        return await value(of: parameter.name)
    }

    /// `$LINENO`: the line the expansion is written on, in the text being run (a script, a
    /// sourced file, an `eval`'s or a trap's text), while the shell keeps LINENO; after `unset
    /// LINENO` it is an ordinary variable (as in bash), and nil is returned. Where a command spans
    /// several lines POSIX leaves open which one it names: this is the line that autoconf's own
    /// rewrite for shells without LINENO (`configure.lineno`) writes in.
    func lineNumber(of parameter: ParameterExpansion) -> String? {
        guard parameter.name == "LINENO", context.keepsLineNumber else { return nil }
        return String(parameter.range.start.line)
    }

    /// `$@`, `$*` and `$!`, `$-` are never "unset" errors (as in dash).
    static func isNeverUnset(_ name: String) -> Bool { name == "@" || name == "*" || name == "!" || name == "-" }

    /// The value of a parameter without an operator, other than `$!`.
    func plainValue(of parameter: ParameterExpansion) throws(ExpansionError) -> String {
        let value = lineNumber(of: parameter) ?? storedValue(of: parameter.name)
        if value == nil, context.treatsUnsetVariablesAsErrors, !Self.isNeverUnset(parameter.name) {
            throw .unset(parameter.name, at: parameter.range)
        }
        return value ?? ""
    }

    /// The value of `parameter` with its operator applied, and whether a
    /// quoted word (`${x:-""}`) produced it (then it is kept even if empty).
    mutating func evaluate(_ parameter: ParameterExpansion) async throws(ExpansionError) -> (String, Bool) {
        let name = parameter.name
        let value = await value(of: parameter)
        let exempt = Self.isNeverUnset(name)
        func unsetError() -> ExpansionError { .unset(name, at: parameter.range) }

        guard let op = parameter.op else {
            if value == nil, context.treatsUnsetVariablesAsErrors, !exempt { throw unsetError() }
            return (value ?? "", false)
        }
        let argument = parameter.argument
        switch op {
        case .length:
            if value == nil, context.treatsUnsetVariablesAsErrors, !exempt { throw unsetError() }
            return (String(length(of: value ?? "")), false)

        case .useDefault(let colon):
            if value == nil || (colon && value!.isEmpty) {
                return try await expandArgument(argument)
            }
            return (value!, false)

        case .assignDefault(let colon):
            if value == nil || (colon && value!.isEmpty) {
                let (assigned, quoted) = try await expandArgument(argument)
                guard Self.isAssignable(name) else {
                    throw ExpansionError(
                        kind: .cannotAssign, name: name, message: "\(name): cannot assign in this way",
                        range: parameter.range)
                }
                context.assignVariable(name, assigned)
                return (assigned, quoted)
            }
            return (value!, false)

        case .useAlternative(let colon):
            if value == nil || (colon && value!.isEmpty) { return ("", false) }
            return try await expandArgument(argument)

        case .errorIfUnset(let colon):
            if value == nil || (colon && value!.isEmpty) {
                let (message, _) = try await expandArgument(argument)
                throw ExpansionError(
                    kind: .parameterMessage, name: name,
                    message: "\(name): \(message.isEmpty ? "parameter not set" : message)", range: parameter.range)
            }
            return (value!, false)

        case .removeSmallestPrefix, .removeLargestPrefix, .removeSmallestSuffix, .removeLargestSuffix:
            if value == nil, context.treatsUnsetVariablesAsErrors, !exempt { throw unsetError() }
            let pattern: GlobPattern
            if let argument { pattern = try await self.pattern(argument) } else { pattern = GlobPattern("") }
            return (PatternRemoval.apply(op, pattern: pattern, to: value ?? ""), false)

        case .replace(let all, let anchor):
            if value == nil, context.treatsUnsetVariablesAsErrors, !exempt { throw unsetError() }
            let pattern: GlobPattern
            if let argument { pattern = try await self.pattern(argument) } else { pattern = GlobPattern("") }
            let (replacement, _) = try await expandArgument(parameter.replacement)
            return (PatternReplacement.apply(pattern, with: replacement, all: all, anchor: anchor, to: value ?? ""), false)
        }
    }

    /// `${#x}`: characters in a UTF-8 locale, else bytes (as dash in the C locale).
    func length(of value: String) -> Int {
        let locale = [context.variable("LC_ALL"), context.variable("LC_CTYPE"), context.variable("LANG")]
            .compactMap { $0 }.first { !$0.isEmpty } ?? ""
        let utf8 = locale.lowercased().contains("utf-8") || locale.lowercased().contains("utf8")
        return utf8 ? value.count : value.losslessBytes.count
    }

    private mutating func expandArgument(_ argument: Word?) async throws(ExpansionError) -> (String, Bool) {
        guard let argument else { return ("", false) }
        let text = try await string(argument)
        return (text, argument.isQuoted)
    }

    static func isAssignable(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first else { return false }
        return first == "_" || ("a"..."z").contains(first) || ("A"..."Z").contains(first)
    }
}

/// A value's scalars as pattern characters, and the pattern matched at either end of a slice of
/// them: what removal and replacement share.
private struct ScalarMatcher {
    let scalars: [Unicode.Scalar]
    let characters: [UInt32]
    let forwards: AnchoredGlobMatch
    let backwards: AnchoredGlobMatch

    init(_ value: String, _ pattern: GlobPattern) {
        scalars = Array(value.unicodeScalars)
        characters = scalars.map(GlobSegment.character)
        forwards = AnchoredGlobMatch(pattern, at: .start)
        backwards = AnchoredGlobMatch(pattern, at: .end)
    }

    var count: Int { scalars.count }

    func text(_ range: Range<Int>) -> String {
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[range])
        return String(result)
    }

    /// The end of the shortest or longest match that starts at `start`.
    func matchEnd(from start: Int, longest: Bool) -> Int? {
        forwards.length(in: characters[start...], longest: longest).map { start + $0 }
    }

    /// For each place in the value, 0 through its count, whether some match starts there.
    func matchStarts() -> [Bool] { backwards.matchStarts(in: characters[...]) }

    /// The start of the shortest or longest match that ends at the end of the value.
    func matchStart(longest: Bool) -> Int? {
        backwards.length(in: characters[...], longest: longest).map { count - $0 }
    }
}

/// `${x#p}`, `${x##p}`, `${x%p}`, `${x%%p}` with the pattern matched as a
/// plain string (wildcards match `/` and leading dots).
enum PatternRemoval {
    static func apply(_ op: ParameterOperator, pattern: GlobPattern, to value: String) -> String {
        let matcher = ScalarMatcher(value, pattern)
        switch op {
        case .removeSmallestPrefix, .removeLargestPrefix:
            guard let end = matcher.matchEnd(from: 0, longest: op == .removeLargestPrefix) else { return value }
            return matcher.text(end..<matcher.count)
        case .removeSmallestSuffix, .removeLargestSuffix:
            guard let start = matcher.matchStart(longest: op == .removeLargestSuffix) else { return value }
            return matcher.text(0..<start)
        default:
            return value
        }
    }
}

/// `${x/p/r}`, `${x//p/r}`, `${x/#p/r}`, `${x/%p/r}` (bash): the longest match of the pattern
/// (as a plain string, like `PatternRemoval`) at the leftmost place it matches, replaced. An
/// unanchored pattern must match something; `/#` and `/%` may match the empty string (`${x/#/>}`).
/// A `&` in the replacement is literal (bash 5.2's `patsub_replacement` is not copied).
enum PatternReplacement {
    static func apply(_ pattern: GlobPattern, with replacement: String, all: Bool, anchor: ReplacementAnchor?, to value: String) -> String {
        let matcher = ScalarMatcher(value, pattern)
        let count = matcher.count
        switch anchor {
        case .start:
            guard let end = matcher.matchEnd(from: 0, longest: true) else { return value }
            return replacement + matcher.text(end..<count)
        case .end:
            guard let start = matcher.matchStart(longest: true) else { return value }
            return matcher.text(0..<start) + replacement
        case nil:
            var result = ""
            var copied = 0
            var start = 0
            let starts = matcher.matchStarts()
            while start < count {
                guard starts[start], let end = matcher.matchEnd(from: start, longest: true), end > start else {
                    start += 1
                    continue
                }
                result += matcher.text(copied..<start) + replacement
                copied = end
                start = end
                if !all { break }
            }
            return result + matcher.text(copied..<count)
        }
    }
}
