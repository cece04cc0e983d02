// Here-documents.
//
// `<<WORD` / `<<-WORD` registers a pending here-document; its body is read
// when the lexer produces the next newline token, from the line after it.
// Several here-documents on one line are read in order. Bodies are attached
// to the AST (which was built with placeholders) once the buffer is parsed.
//
// - The delimiter is the word with quotes removed; if any part of it was
//   quoted (`'EOF'`, `"EOF"`, `\EOF`, `E"O"F`) the body is literal.
// - `<<-` strips leading tabs from each body line and the delimiter line.
// - In an unquoted body, a line ending in an odd number of backslashes is
//   joined with the next before the delimiter check (as in dash); the body is
//   scanned like double-quoted text except that `"` is literal.
// - The input ending before the delimiter line is an (incomplete) error.

struct PendingHereDocument {
    /// Source offset where the redirection starts (the AST key).
    var key: Int
    /// Buffer index of the `<<` operator, for errors.
    var operatorIndex: Int
    var delimiter: String
    var quoted: Bool
    var stripTabs: Bool
}

struct HereDocumentBody {
    var text: String
    var parts: [WordPart]
    var bodyRange: SourceRange
}

extension Parser {
    /// The delimiter of `<<word` (quotes removed) and whether it was quoted.
    static func hereDocumentDelimiter(_ raw: [UInt8]) -> (String, Bool) {
        var out: [UInt8] = []
        var quoted = false
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            if byte == UInt8(ascii: "'") {
                quoted = true
                index += 1
                while index < raw.count, raw[index] != UInt8(ascii: "'") {
                    out.append(raw[index])
                    index += 1
                }
                index += 1
            } else if byte == UInt8(ascii: "\"") {
                quoted = true
                index += 1
                while index < raw.count, raw[index] != UInt8(ascii: "\"") {
                    if raw[index] == UInt8(ascii: "\\"), index + 1 < raw.count,
                        "$`\"\\\n".utf8.contains(raw[index + 1])
                    {
                        if raw[index + 1] != UInt8(ascii: "\n") { out.append(raw[index + 1]) }
                        index += 2
                    } else {
                        out.append(raw[index])
                        index += 1
                    }
                }
                index += 1
            } else if byte == UInt8(ascii: "\\") {
                if index + 1 < raw.count, raw[index + 1] == UInt8(ascii: "\n") {
                    index += 2  // line continuation, not quoting
                    continue
                }
                quoted = true
                if index + 1 < raw.count { out.append(raw[index + 1]) }
                index += 2
            } else {
                out.append(byte)
                index += 1
            }
        }
        return (String(decoding: out, as: UTF8.self), quoted)
    }

    func hereDocumentEndedEarly(_ pending: PendingHereDocument) -> ParseError {
        error(
            "here-document delimited by end of file (wanted `\(pending.delimiter)`)",
            at: pending.operatorIndex, incomplete: true, label: "here-document starts here",
            note: "end the body with a line containing only `\(pending.delimiter)`")
    }

    /// Reads the bodies of all pending here-documents, starting at `position`
    /// (just after a newline).
    mutating func readPendingHereDocuments() throws(ParseError) {
        let pending = pendingHereDocuments
        pendingHereDocuments = []
        for document in pending {
            hereDocumentBodies[document.key] = try readHereDocumentBody(document)
        }
    }

    mutating func readHereDocumentBody(_ document: PendingHereDocument) throws(ParseError) -> HereDocumentBody {
        let bodyStart = position
        let delimiter = Array(document.delimiter.utf8)
        let newline = UInt8(ascii: "\n")
        // Built from the first line with tabs stripped: until then the body is one run of the
        // buffer, taken at the end.
        var stripped: (inner: [UInt8], map: [Int])?
        while true {
            guard position < bytes.count else { throw hereDocumentEndedEarly(document) }
            let lineStart = position
            var contentStart = lineStart
            if document.stripTabs {
                while byte(at: contentStart) == UInt8(ascii: "\t") { contentStart += 1 }
            }
            // One logical line: physical lines joined at backslash-newline (unquoted bodies only).
            // Only a joined line is copied; most are compared in place.
            var joined: [UInt8]?
            var segmentStart = contentStart
            var lineEnd = segmentStart
            while true {
                var end = segmentStart
                while end < bytes.count, bytes[end] != newline { end += 1 }
                if !document.quoted, end < bytes.count {
                    var backslashes = 0
                    while end - backslashes - 1 >= segmentStart,
                        bytes[end - backslashes - 1] == UInt8(ascii: "\\")
                    {
                        backslashes += 1
                    }
                    if backslashes % 2 == 1 {
                        joined = (joined ?? []) + bytes[segmentStart..<(end - 1)]
                        segmentStart = end + 1
                        continue
                    }
                }
                lineEnd = end
                break
            }
            let last = bytes[segmentStart..<lineEnd]
            let next = lineEnd < bytes.count ? lineEnd + 1 : lineEnd
            let isDelimiter = if let joined { joined + last == delimiter } else { last.elementsEqual(delimiter) }
            if isDelimiter {
                position = next
                let inner = stripped?.inner ?? Array(bytes[bodyStart..<lineStart])
                let text = String(decoding: inner, as: UTF8.self)
                var parts: [WordPart]
                if document.quoted {
                    parts = text.isEmpty ? [] : [.literal(text)]
                } else {
                    let offsets = stripped.map { .table($0.map + [sourceOffset(lineStart)]) }
                        ?? offsetMap.run(from: bodyStart, count: inner.count)
                    var nested = Parser(nestedIn: self, bytes: inner, offsetMap: offsets)
                    parts = try nested.scanHereDocumentBody()
                }
                return HereDocumentBody(text: text, parts: parts, bodyRange: range(bodyStart, lineEnd))
            }
            if contentStart > lineStart, stripped == nil {
                stripped = (Array(bytes[bodyStart..<lineStart]), (bodyStart..<lineStart).map(sourceOffset))
            }
            if stripped != nil {
                stripped!.inner += bytes[contentStart..<next]
                stripped!.map += (contentStart..<next).map(sourceOffset)
            }
            position = next
        }
    }

    /// Scans a whole (inner) buffer as an unquoted here-document body.
    mutating func scanHereDocumentBody() throws(ParseError) -> [WordPart] {
        var parts = try scanQuoted(context: .hereDocumentBody)
        if let pending = pendingHereDocuments.first {
            throw hereDocumentEndedEarly(pending)
        }
        if !hereDocumentBodies.isEmpty {
            parts.attachHereDocumentBodies(HereDocumentBodies(hereDocumentBodies))
        }
        return parts
    }
}

// MARK: - Attaching bodies to the placeholders

extension Program {
    mutating func attachHereDocumentBodies(_ bodies: HereDocumentBodies) {
        for index in items.indices {
            items[index] = items[index].attachingHereDocumentBodies(bodies)
        }
    }
}

/// The bodies read for a buffer's here-documents, by the offset of their operator.
struct HereDocumentBodies {
    let byOffset: [Int: HereDocumentBody]
    private let offsets: [Int]

    init(_ byOffset: [Int: HereDocumentBody]) {
        self.byOffset = byOffset
        offsets = byOffset.keys.sorted()
    }

    /// Whether an operator with a body lies in `range` (else nothing in it changes).
    func any(in range: SourceRange) -> Bool {
        let bytes = range.byteRange
        var low = 0
        var high = offsets.count
        while low < high {
            let middle = (low + high) / 2
            if offsets[middle] < bytes.lowerBound { low = middle + 1 } else { high = middle }
        }
        return low < offsets.count && offsets[low] < bytes.upperBound
    }
}

// The list items, pipelines and simple commands are immutable (the executor reads them at every
// command and shares them by reference): attaching bodies makes new ones, only where a body goes.
extension ListItem {
    func attachingHereDocumentBodies(_ bodies: HereDocumentBodies) -> ListItem {
        guard bodies.any(in: range) else { return self }
        var andOr = andOr
        andOr.first = andOr.first.attachingHereDocumentBodies(bodies)
        for element in andOr.rest.indices {
            andOr.rest[element].pipeline = andOr.rest[element].pipeline.attachingHereDocumentBodies(bodies)
        }
        return ListItem(andOr: andOr, terminator: terminator, range: range)
    }
}

extension Pipeline {
    func attachingHereDocumentBodies(_ bodies: HereDocumentBodies) -> Pipeline {
        guard bodies.any(in: range) else { return self }
        var stages = stages
        for index in stages.indices {
            stages[index].attachHereDocumentBodies(bodies)
        }
        return Pipeline(negated: negated, stages: stages, pipeStderr: pipeStderr, range: range)
    }
}

extension Command {
    mutating func attachHereDocumentBodies(_ bodies: HereDocumentBodies) {
        // A command whose text holds no body stays as it is (rebuilding one allocates its box).
        guard bodies.any(in: range) else { return }
        switch self {
        case .simple(let command):
            var assignments = command.assignments
            for assignment in assignments.indices {
                assignments[assignment].value.parts.attachHereDocumentBodies(bodies)
            }
            var words = command.words
            for word in words.indices {
                words[word].parts.attachHereDocumentBodies(bodies)
            }
            var redirections = command.redirections
            redirections.attachHereDocumentBodies(bodies)
            self = .simple(SimpleCommand(assignments: assignments, words: words, redirections: redirections, range: command.range))
        case .subshell(var group):
            group.body.attachHereDocumentBodies(bodies)
            group.redirections.attachHereDocumentBodies(bodies)
            self = .subshell(group)
        case .braceGroup(var group):
            group.body.attachHereDocumentBodies(bodies)
            group.redirections.attachHereDocumentBodies(bodies)
            self = .braceGroup(group)
        case .compound(var compound):
            compound.attachHereDocumentBodies(bodies)
            self = .compound(compound)
        case .functionDefinition(var function):
            function.body.attachHereDocumentBodies(bodies)
            self = .functionDefinition(function)
        }
    }
}

extension CompoundCommand {
    mutating func attachHereDocumentBodies(_ bodies: HereDocumentBodies) {
        switch body {
        case .ifClause(var clause):
            for index in clause.branches.indices {
                clause.branches[index].condition.attachHereDocumentBodies(bodies)
                clause.branches[index].body.attachHereDocumentBodies(bodies)
            }
            clause.elseBody?.attachHereDocumentBodies(bodies)
            body = .ifClause(clause)
        case .loop(var loop):
            loop.condition.attachHereDocumentBodies(bodies)
            loop.body.attachHereDocumentBodies(bodies)
            body = .loop(loop)
        case .forLoop(var loop):
            for index in (loop.words ?? []).indices { loop.words![index].parts.attachHereDocumentBodies(bodies) }
            loop.body.attachHereDocumentBodies(bodies)
            body = .forLoop(loop)
        case .caseClause(var clause):
            clause.word.parts.attachHereDocumentBodies(bodies)
            for index in clause.items.indices {
                for pattern in clause.items[index].patterns.indices {
                    clause.items[index].patterns[pattern].parts.attachHereDocumentBodies(bodies)
                }
                clause.items[index].body.attachHereDocumentBodies(bodies)
            }
            body = .caseClause(clause)
        }
        redirections.attachHereDocumentBodies(bodies)
    }
}

extension [Redirection] {
    mutating func attachHereDocumentBodies(_ bodies: HereDocumentBodies) {
        for index in indices {
            switch self[index].target {
            case .word(var word):
                word.parts.attachHereDocumentBodies(bodies)
                self[index].target = .word(word)
            case .hereDocument(var document):
                if let body = bodies.byOffset[self[index].range.start.offset] {
                    document.text = body.text
                    document.parts = body.parts
                    document.bodyRange = body.bodyRange
                    self[index].target = .hereDocument(document)
                }
            }
        }
    }
}

extension [WordPart] {
    mutating func attachHereDocumentBodies(_ bodies: HereDocumentBodies) {
        for index in indices {
            switch self[index] {
            case .doubleQuoted(var inner):
                inner.attachHereDocumentBodies(bodies)
                self[index] = .doubleQuoted(inner)
            case .parameter(var expansion):
                expansion.argument?.parts.attachHereDocumentBodies(bodies)
                expansion.replacement?.parts.attachHereDocumentBodies(bodies)
                self[index] = .parameter(expansion)
            case .commandSubstitution(var substitution):
                substitution.program.attachHereDocumentBodies(bodies)
                self[index] = .commandSubstitution(substitution)
            case .arithmetic(var arithmetic):
                arithmetic.parts.attachHereDocumentBodies(bodies)
                self[index] = .arithmetic(arithmetic)
            case .literal, .singleQuoted, .escaped, .tilde:
                break
            }
        }
    }
}
