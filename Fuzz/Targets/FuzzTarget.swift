/// The bodies of the libFuzzer harnesses (`Fuzz/`), kept in the main package so that the test
/// suite replays the committed regression corpus through exactly the code the fuzzer ran.
///
/// Each body takes arbitrary bytes and must return normally: a crash, a trap, a sanitizer report
/// or a run over a second is a bug. Bodies also check invariants (a parsed JSON value reparses to
/// itself, a stream decoded in pieces decodes as a whole) and trap when one fails.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// The whole-script parser, then the `--plan` dry run of what parses (or the rendered diagnostic).
    case script
    /// `$((…))`: parse, then evaluate against a few variables.
    case arithmetic
    /// Glob patterns matched as pathnames and as strings.
    case glob
    /// The `printf` builtin's format and operand handling.
    case printf
    /// The IPC channel's JSON line framing, fed in pieces.
    case jsonLines = "json-lines"
    /// `JSONValue` parsing and serialisation.
    case jsonValue = "json-value"

    /// Runs this harness on one input.
    public func run(_ input: [UInt8]) async {
        switch self {
        case .script: await Self.script(input)
        case .arithmetic: Self.arithmetic(input)
        case .glob: Self.glob(input)
        case .printf: Self.printf(input)
        case .jsonLines: Self.jsonLines(input)
        case .jsonValue: Self.jsonValue(input)
        }
    }

    /// The input cut at every NUL byte, each part losslessly decoded (harnesses with several
    /// string arguments take them this way, since no string they take can hold a NUL).
    static func fields(_ input: [UInt8]) -> [String] {
        input.split(separator: 0, omittingEmptySubsequences: false).map { String(losslessBytes: $0) }
    }
}
