// `@host cmd args…` (a cpl extension): a simple command whose leading words start with an unquoted
// `@` runs on other hosts through ssh. Each such word names hosts: `@web1`, `@$HOST` (its fields,
// so a variable may hold several), and `@{web1,web2}`, which brace expansion has already made
// `@web1 @web2`. A lone `@`, or an `@` that is quoted or comes from an expansion, is an
// ordinary word, so no POSIX command changes meaning unless its name starts with `@`. In POSIX
// mode there is no such prefix: `@web1 cmd` runs a command named `@web1`, as sh reads it.

extension SimpleCommand {
    /// The host words (each without its `@`) and the command's own words, when the command is
    /// placed on other hosts; nil otherwise.
    var remotePlacement: (hosts: [Word], command: [Word])? {
        var hosts: [Word] = []
        for word in words {
            guard let host = word.droppingHostMarker() else { break }
            hosts.append(host)
        }
        return hosts.isEmpty ? nil : (hosts, Array(words.dropFirst(hosts.count)))
    }
}

extension Word {
    /// This word without its leading unquoted `@`, when it has one and something follows it.
    func droppingHostMarker() -> Word? {
        guard case .literal(let text) = parts.first, text.hasPrefix("@") else { return nil }
        let rest = text.dropFirst()
        let remaining = rest.isEmpty ? Array(parts.dropFirst()) : [.literal(String(rest))] + parts.dropFirst()
        if remaining.isEmpty { return nil }
        return Word(parts: remaining, range: range, sourceText: String(sourceText.dropFirst()))
    }
}

extension Planner {
    /// `simple.remotePlacement`, outside POSIX mode (which `splitsExpansionValues` stands for, in
    /// the run and in `--plan` alike).
    func remotePlacement(of simple: SimpleCommand) -> (hosts: [Word], command: [Word])? {
        context.splitsExpansionValues ? nil : simple.remotePlacement
    }
}
