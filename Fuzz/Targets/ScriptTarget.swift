import CPL

extension FuzzTarget {
    /// One interpreter for every input: planning reads its state and never changes it.
    private static let interpreter = Interpreter()

    static func script(_ input: [UInt8]) async {
        let source = String(losslessBytes: input)
        do {
            let program = try Parser.parse(source, fileName: "fuzz")
            _ = await interpreter.plan(program, source: source).rendered
        } catch {
            _ = error.rendered
        }
    }
}
