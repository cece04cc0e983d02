// Alias expansion, as dash does it: where a command starts (also after its assignments), an
// unquoted word that is exactly an alias name is replaced by the alias's text, which is then
// lexed and parsed as if written there; when that text ends in a blank, the next word is checked
// too. An alias is not expanded again inside its own text (`alias ls='ls -F'`). Positions inside
// the text map to the alias word, for messages.

extension Parser {
    /// Expands the next token while it is an alias name. An alias text that ends in a blank
    /// leaves `wordAfterBlankAlias` set: the first word after that text is checked too.
    mutating func expandAliases() throws(ParseError) {
        guard !aliases.isEmpty else { return }
        while true {
            let token = try peek()
            guard case .word = token.kind, case let word = self.word(of: token), word.parts.count == 1,
                case .literal(let name) = word.parts[0],
                let value = aliases[name]
            else { return }
            aliasesInUse.removeAll { $0.end <= token.start }
            guard !aliasesInUse.contains(where: { $0.name == name }) else { return }
            let text = Array(value.utf8)
            splice(token.start..<token.end, with: text)
            aliasesInUse.append((name, token.start + text.count))
            position = token.start
            peeked = nil
            wordAfterBlankAlias = text.last.map(Parser.isBlank) == true ? token.start + text.count : nil
        }
    }

    /// In a simple command: expands the next word if it is the one after an alias text that ended
    /// in a blank.
    mutating func expandAliasAfterBlankAlias() throws(ParseError) {
        guard let start = wordAfterBlankAlias, try peek().start >= start else { return }
        wordAfterBlankAlias = nil
        try expandAliases()
    }

    /// Replaces `range` of the buffer with `text`, keeping the map to source offsets.
    private mutating func splice(_ range: Range<Int>, with text: [UInt8]) {
        let map = offsetMap.offsets
        offsetMap = .table(
            Array(map[..<range.lowerBound]) + Array(repeating: map[range.lowerBound], count: text.count)
                + Array(map[range.upperBound...]))
        bytes.replaceSubrange(range, with: text)
        let shift = text.count - range.count
        for index in aliasesInUse.indices where aliasesInUse[index].end >= range.upperBound {
            aliasesInUse[index].end += shift
        }
        if let start = wordAfterBlankAlias, start >= range.upperBound { wordAfterBlankAlias = start + shift }
    }
}
