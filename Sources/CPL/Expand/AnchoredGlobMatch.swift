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

    private func length(of text: some Collection<UInt32>, longest: Bool) -> Int? {
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
        var found: Int? = joined[end] == 0 ? 0 : nil
        if found != nil && !longest { return 0 }
        var step = 0
        for character in text {
            if next.isEmpty { break }
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
            if joined[end] == step {
                found = step
                if !longest { break }
            }
        }
        return found
    }
}
