// The differential corpus again, under `cpl --posix`: POSIX mode must read and run every shared
// case as dash does (and the #@ posix-only cases, which cpl's own mode answers differently by
// design), meet the cpl-only cases' expectations, and agree with dash on the cpl-only cases whose
// extension POSIX mode turns off (#@ posix-as-dash). The directives are described in cases.txt.

import Foundation
import Testing

extension Shells {
    static var cplPOSIX: ShellCommand? {
        BuiltCPL.path.map { ShellCommand(label: "cpl --posix", executable: $0, leadingArguments: ["--posix"]) }
    }
}

@Suite("Differential: cpl --posix vs dash")
struct DifferentialPOSIXTests {
    @Test("POSIX mode", arguments: CaseCorpus.posix)
    func posixMode(_ c: DifferentialCase) async {
        guard let cpl = Shells.cplPOSIX else {
            Issue.record(Comment(rawValue: BuiltCPL.missingMessage))
            return
        }
        if c.cplOnly && c.posix != .asDash {
            let result = await runCase(c, under: [cpl])[0]
            let diffs = checkExpectations(c, result, label: "cpl --posix")
            if !diffs.isEmpty {
                Issue.record(Comment(rawValue: """
                    cpl --posix does not meet the expectation: \(diffs.joined(separator: "; "))
                    \(describeCase(c))
                    \(describeResult("cpl --posix", result))
                    """))
            }
            return
        }
        var shared = c
        // A cpl-only case's expectations are cpl's own mode's: in POSIX mode dash is the oracle.
        if c.posix == .asDash { shared.expectedStdout = nil; shared.expectedStderr = nil; shared.status = .same; shared.stderr = .ignored }
        let results = await runCase(shared, under: [Shells.dash, cpl])
        let diffs = compare(shared, reference: results[0], refLabel: "dash", subject: results[1], subLabel: "cpl --posix")
        if !diffs.isEmpty {
            Issue.record(Comment(rawValue: """
                cpl --posix disagrees with dash: \(diffs.joined(separator: "; "))
                \(describeCase(c))
                \(describeResult("dash", results[0]))
                \(describeResult("cpl --posix", results[1]))
                """))
        }
    }
}
