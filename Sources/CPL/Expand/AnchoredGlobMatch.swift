/// A pattern matched against the text that starts (or ends) at one place, as a plain string
/// (wildcards match `/` and leading dots): every length at which it matches is found in one pass
/// over the text. `${x#p}`, `${x%p}` and `${x/p/r}` ask how much of a value matches at a place;
/// matching each candidate range on its own cost a pass per range, which made `${x//?/_}` of a
/// 10,000-character value take minutes.
///
/// The pattern is a set of positions in its tokens, advanced one character at a time; a run
/// matches when the end of the tokens is among the positions reached. A token is one character
/// or `*`, so the pattern read backwards is its tokens in reverse order.
struct AnchoredGlobMatch {
    /// Which end of the text is anchored.
    enum Anchor {
        /// The text is read forwards from its start.
        case start
        /// The text is read backwards from its end.
        case end
    }

    private let tokens: [GlobToken]
    private let anchor: Anchor

    init(_ pattern: GlobPattern, at anchor: Anchor) {
        let tokens = pattern.wholeWord.tokens
        self.tokens = anchor == .start ? tokens : tokens.reversed()
        self.anchor = anchor
    }

    /// The shortest or longest length of a run of `text` at the anchor that the whole pattern
    /// matches, nil when none does.
    func length(in text: ArraySlice<UInt32>, longest: Bool) -> Int? {
        switch anchor {
        case .start: length(of: text, longest: longest)
        case .end: length(of: text.reversed(), longest: longest)
        }
    }

    /// For each place in `text`, 0 through its count, whether some run of the text that starts
    /// there matches the pattern, in one pass: `${x//p/r}` asks for a match at each place in turn,
    /// and a scan from every place that has none cost a pass per place (a minute for
    /// `${y//*a*a*a*b/+}` of 8,000 `a`s). Only for `.end`: the text is read backwards, and the
    /// pattern's start rejoins at every step, so a match is found wherever it ends.
    func matchStarts(in text: ArraySlice<UInt32>) -> [Bool] {
        precondition(anchor == .end, "matchStarts(in:) reads the text backwards")
        var starts = [Bool](repeating: false, count: text.count + 1)
        var place = text.count
        run(over: text.reversed(), rejoiningAtEveryStep: true) { _, matched in
            starts[place] = matched
            place -= 1
            return true
        }
        return starts
    }

    private func length(of text: some Collection<UInt32>, longest: Bool) -> Int? {
        var found: Int?
        run(over: text, rejoiningAtEveryStep: false) { step, matched in
            if matched { found = step }
            return !(matched && !longest)
        }
        return found
    }

    /// Advances the pattern's positions over `text` one character at a time, calling `visit` with
    /// the number of characters read (0 first) and whether the whole pattern matches there, until
    /// `visit` returns false or no position is left.
    private func run(over text: some Collection<UInt32>, rejoiningAtEveryStep rejoins: Bool,
                     _ visit: (_ step: Int, _ matched: Bool) -> Bool) {
        let end = tokens.count
        // The step at which each position last joined `next`, so that it joins once per step.
        var joined = [Int](repeating: -1, count: end + 1)
        var current: [Int] = []
        var next: [Int] = []
        func join(_ position: Int, step: Int) {
            var position = position
            while joined[position] != step {
                joined[position] = step
                next.append(position)
                // A `*` may match nothing: the position after it is reached too.
                guard position < end, tokens[position] == .anyString else { return }
                position += 1
            }
        }
        join(0, step: 0)
        guard visit(0, joined[end] == 0) else { return }
        var step = 0
        for character in text {
            if next.isEmpty && !rejoins { break }
            swap(&current, &next)
            next.removeAll(keepingCapacity: true)
            step += 1
            for position in current where position < end {
                switch tokens[position] {
                case .anyString: join(position, step: step)
                case .anyCharacter: join(position + 1, step: step)
                case .character(let wanted) where wanted == character: join(position + 1, step: step)
                case .bracket(let bracket) where bracket.matches(character): join(position + 1, step: step)
                default: break
                }
            }
            if rejoins { join(0, step: step) }
            guard visit(step, joined[end] == step) else { return }
        }
    }
}
