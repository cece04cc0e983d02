import Testing
@testable import CPL


@Suite("Robustness")
struct RobustnessTests {
    static let script = """
        # setup
        A=1 B="two words" cmd -x 'arg' "$A" ${B:-def} >out 2>&1 <in &&
          echo "$(date +%s)" `whoami` | tr a-z A-Z |& cat
        { grp; } >>log; ( sub & ) &! x=~/bin:~/lib
        cat <<EOF <<-'RAW'
        body $HOME \\$ $(echo in)
        EOF
        \traw $x
        \tRAW
        ! neg || echo ${#A} ${A%.*}
        """

    @Test func everyPrefixParsesOrFailsCleanly() {
        let bytes = Array(Self.script.utf8)
        var incompleteCount = 0
        for length in 0...bytes.count {
            let prefix = String(decoding: bytes[..<length], as: UTF8.self)
            do {
                _ = try Parser.parse(prefix)
            } catch {
                if error.isIncomplete { incompleteCount += 1 }
                #expect(error.location.offset <= bytes.count, "prefix \(length)")
                #expect(error.line >= 1 && error.column >= 1)
                #expect(error.rendered.contains("^"))
            }
        }
        #expect(incompleteCount > 50)
        #expect(parsed(Self.script) != nil)
    }

    @Test func randomInputsNeverCrash() {
        let alphabet = Array(" \t\n\\'\"`$(){}|&;<>!#~*?=:-+%a1b2_\u{00e9}")
        var generator = SeededGenerator(state: 42)
        var errors = 0
        for _ in 0..<3000 {
            let length = Int.random(in: 0..<24, using: &generator)
            var text = ""
            for _ in 0..<length { text.append(alphabet.randomElement(using: &generator)!) }
            do {
                let program = try Parser.parse(text)
                _ = program.compactDescription
                _ = program.treeDescription
                _ = program.sourceText
            } catch {
                errors += 1
                #expect(error.location.offset <= text.utf8.count)
                _ = error.rendered
            }
        }
        #expect(errors > 0)
    }

    @Test func reparsingSourceTextGivesTheSameStructure() {
        let sources = [
            #"A=1 echo "$x"'y' 2>&1 | cat && { b; c & }; d &! ( e ) >o"#,
            "! a |& b || c; x=${y:-z} w",
            "echo $(a; b) `c` ~/d",
        ]
        for source in sources {
            guard let program = parsed(source), let again = parsed(program.sourceText) else { continue }
            #expect(again.compactDescription == program.compactDescription, "\(source)")
        }
    }
}
