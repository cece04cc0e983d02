import CPL

extension FuzzTarget {
    /// One interpreter for every input: planning reads its state and never changes it.
    private static let interpreter = Interpreter()

    /// How much source text the program's words may span, as a multiple of the input's length, to
    /// be planned. Brace expansion, done by the parser, multiplies words as in bash (`{01..10}` five
    /// times in one word is 100,000 copies of it): planning is linear in them, ~5 µs a character
    /// under the sanitizer, and the fuzzer would spend its time on size alone.
    private static let plannedGrowth = 16

    static func script(_ input: [UInt8]) async {
        let source = String(losslessBytes: input)
        do {
            let program = try Parser.parse(source, fileName: "fuzz")
            guard writtenSize(program) <= plannedGrowth * input.count + 1024 else { return }
            _ = await interpreter.plan(program, source: source).rendered
        } catch {
            _ = error.rendered
        }
    }

    /// The source text of the words of simple commands and `for` lists in `program` (those brace
    /// expansion makes), each word counted as often as it appears.
    private static func writtenSize(_ program: Program) -> Int {
        program.items.reduce(0) { count, item in
            item.andOr.pipelines.reduce(count) { count, pipeline in pipeline.stages.reduce(count) { $0 + writtenSize($1) } }
        }
    }

    private static func writtenSize(_ command: Command) -> Int {
        switch command {
        case .simple(let simple): size(of: simple.words)
        case .subshell(let group), .braceGroup(let group): writtenSize(group.body)
        case .functionDefinition(let function): writtenSize(function.body)
        case .compound(let compound):
            switch compound.body {
            case .ifClause(let clause):
                clause.branches.reduce(clause.elseBody.map(writtenSize) ?? 0) { $0 + writtenSize($1.condition) + writtenSize($1.body) }
            case .loop(let loop): writtenSize(loop.condition) + writtenSize(loop.body)
            case .forLoop(let loop): size(of: loop.words ?? []) + writtenSize(loop.body)
            case .caseClause(let clause): clause.items.reduce(0) { $0 + writtenSize($1.body) }
            }
        }
    }

    private static func size(of words: [Word]) -> Int {
        words.reduce(0) { $0 + $1.sourceText.utf8.count }
    }
}
