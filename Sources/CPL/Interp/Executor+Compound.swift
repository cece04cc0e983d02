import ChildProcess

// `if`, `while`, `until`, `for` and `case`, run in the current context (no task, no process).

extension Executor {
    func run(_ compound: CompoundCommand) async throws(ShellExit) -> Int32 {
        switch compound.body {
        case .ifClause(let clause):
            for branch in clause.branches where try await runCondition(branch.condition) == 0 {
                return try await runList(branch.body)
            }
            if let elseBody = clause.elseBody { return try await runList(elseBody) }
            return 0
        case .loop(let loop):
            return try await runLoop { () throws(ShellExit) in
                let condition = try await self.runCondition(loop.condition)
                guard (condition == 0) != loop.isUntil else { return nil }
                return loop.body
            }
        case .forLoop(let loop):
            let values: [String]
            if let words = loop.words {
                values = try await expandFields(words, at: compound.range)
            } else {
                values = state.positionalParameters
            }
            var remaining = values[...]
            return try await runLoop { () throws(ShellExit) in
                guard let value = remaining.popFirst() else { return nil }
                try await self.assign(loop.name, value)
                return loop.body
            }
        case .caseClause(let clause):
            return try await runCase(clause, at: compound.range)
        }
    }

    /// Runs a list and gives its status (`$?` after it).
    func runList(_ program: Program) async throws(ShellExit) -> Int32 {
        try await run(program)
        return state.lastStatus
    }

    /// An `if`/`while`/`until` condition: `set -e` does not apply inside it.
    private func runCondition(_ program: Program) async throws(ShellExit) -> Int32 {
        try await withErrexitSuppressed { () throws(ShellExit) in try await runList(program) }
    }

    /// Runs the bodies `next` hands out until it hands out none, handling `break` and `continue`.
    /// The status is the last body's, 0 when none ran (POSIX).
    private func runLoop(_ next: () async throws(ShellExit) -> Program?) async throws(ShellExit) -> Int32 {
        try await with({ $0.loopDepth += 1 }) { () throws(ShellExit) in try await runBodies(next) }
    }

    /// How long a loop of the shell's own commands keeps its thread of the pool (see `runBodies`).
    static let loopYieldInterval = Duration.milliseconds(5)

    private func runBodies(_ next: () async throws(ShellExit) -> Program?) async throws(ShellExit) -> Int32 {
        var status: Int32 = 0
        var passes = 0
        var lastYield = ContinuousClock.now
        while true {
            // A loop of commands that never suspend (builtins, assignments, arithmetic) would hold its
            // thread of the concurrency pool for as long as it runs, and what else the process has to
            // do would wait for it: an embedder's tasks, the one that interrupts this run. It yields
            // every few milliseconds, not every few passes: a yield often moves the task to another
            // thread of the pool (a wake-up and cold caches), and at every 64th pass that was a tenth
            // of a loop's time. (A stop request is seen without yielding: `stopRequested`.)
            passes &+= 1
            if passes % 64 == 0, lastYield.duration(to: .now) >= Executor.loopYieldInterval {
                await Task.yield()
                lastYield = .now
            }
            do {
                guard let body = try await next() else { break }
                status = try await runList(body)
            } catch {
                switch error.reason {
                case .breakLoop(let levels):
                    if levels > 1 { throw ShellExit(status: 0, reason: .breakLoop(levels - 1)) }
                    return 0
                case .continueLoop(let levels):
                    if levels > 1 { throw ShellExit(status: 0, reason: .continueLoop(levels - 1)) }
                    // `continue` is a command whose status is 0: the next pass sees `$?` 0.
                    status = 0
                    state.lastStatus = 0
                default:
                    throw error
                }
            }
            if stopRequested(sampling: true) { throw ShellExit(status: 128 + 15, reason: .cancelled) }
        }
        return status
    }

    private func runCase(_ clause: CaseClause, at range: SourceRange) async throws(ShellExit) -> Int32 {
        let subject = try await expandString(clause.word, at: range)
        // What `matches(_:as: .string)` does, with the subject converted once for all patterns.
        let units = GlobSegment.characters(of: subject)[...]
        var next = (item: 0, pattern: 0)
        var matched: Int?
        while matched == nil {
            switch Executor.firstMatch(in: clause, of: units, from: next) {
            case .none:
                return 0
            case .item(let index):
                matched = index
            case .unmade(let item, let pattern):
                if try await casePattern(clause.items[item], pattern, at: range).wholeWord.matches(units) {
                    matched = item
                } else {
                    next = pattern + 1 < clause.items[item].patterns.count ? (item, pattern + 1) : (item + 1, 0)
                }
            }
        }
        let body = clause.items[matched!].body
        return body.items.isEmpty ? 0 : try await runList(body)
    }

    private enum CaseMatch {
        case none
        case item(Int)
        /// The pattern is to be made (by expanding it) before it can be tried.
        case unmade(item: Int, pattern: Int)
    }

    /// The first item, from pattern `start` on, with a made pattern that matches `units`, up to
    /// the first pattern not made yet. Synchronous, so the items are read in place: in the async
    /// caller each read of an item was a count of each of its arrays.
    private static func firstMatch(
        in clause: CaseClause, of units: ArraySlice<UInt32>, from start: (item: Int, pattern: Int)
    ) -> CaseMatch {
        var first = start.pattern
        for item in start.item..<clause.items.count {
            for pattern in first..<clause.items[item].patterns.count {
                switch clause.items[item].madePatterns.match(pattern, units) {
                case true?: return .item(item)
                case false?: continue
                case nil: return .unmade(item: item, pattern: pattern)
                }
            }
            first = 0
        }
        return .none
    }

    /// Makes pattern `index` of a `case` item; one without expansions is kept with the item.
    private func casePattern(_ item: CaseClause.Item, _ index: Int, at range: SourceRange) async throws(ShellExit) -> GlobPattern {
        let word = item.patterns[index]
        let pattern = try await expandPattern(word, at: range)
        if word.parts.allSatisfy(\.isStatic) { item.madePatterns.keep(pattern, at: index) }
        return pattern
    }

    /// Sets a variable from the shell itself (`for`, `read`, `getopts`…).
    func assign(_ name: String, _ value: String) async throws(ShellExit) {
        if state.readonlyNames.contains(name) { try await checkWritable(name) }
        state.variables[name] = value
        if state.options.allexport { state.variables.export(name) }
    }

    // MARK: Expansion outside a simple command (an error ends the script, as in sh)

    private func expanding<Value>(
        at range: SourceRange, _ body: (inout WordExpander<LiveExpansionContext>) async throws(ExpansionError) -> Value
    ) async throws(ShellExit) -> Value {
        lastSubstitutionStatus = nil
        var expander = WordExpander(context: LiveExpansionContext(executor: self))
        do {
            return try await body(&expander)
        } catch {
            try await fail(error, reporter: nil, at: range)
        }
    }

    func expandFields(_ words: [Word], at range: SourceRange) async throws(ShellExit) -> [String] {
        try await expanding(at: range) { (expander) throws(ExpansionError) in try await expander.fields(words) }
    }

    func expandString(_ word: Word, at range: SourceRange) async throws(ShellExit) -> String {
        // Most such words (`case $w in`) expand without suspending: then no async frame is made.
        lastSubstitutionStatus = nil
        var expander = WordExpander(context: LiveExpansionContext(executor: self))
        do {
            if let (value, _) = try expander.immediateValue(word) { return value }
        } catch {
            try await fail(error, reporter: nil, at: range)
        }
        return try await expanding(at: range) { (expander) throws(ExpansionError) in try await expander.string(word) }
    }

    func expandPattern(_ word: Word, at range: SourceRange) async throws(ShellExit) -> GlobPattern {
        try await expanding(at: range) { (expander) throws(ExpansionError) in try await expander.pattern(word) }
    }
}

extension WordPart {
    /// Text only: its expansion never changes.
    fileprivate var isStatic: Bool {
        switch self {
        case .literal, .singleQuoted, .escaped: true
        case .doubleQuoted(let inner): inner.allSatisfy(\.isStatic)
        // Expansions, and any kind of part added later, are expanded every time.
        default: false
        }
    }
}
