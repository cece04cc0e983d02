import FuzzTargets
import Glibc
import Testing
@testable import CPL

/// `Fuzz/regressions/HARNESS/`: every input that ever made a fuzz harness crash, hang or trip a
/// sanitizer, next to this package's sources.
private let regressionsFolder: String = {
    var path = Array(#filePath.utf8)
    for _ in 0..<4 { path.removeLast(path.count - path.lastIndex(of: UInt8(ascii: "/"))!) }
    return String(decoding: path, as: UTF8.self) + "/Fuzz/regressions"
}()

/// The files of one harness's regression folder, as (name, contents).
private func regressionInputs(_ harness: FuzzTarget) -> [(name: String, bytes: [UInt8])] {
    let folder = regressionsFolder + "/" + harness.rawValue
    return ((try? FileSystem.system.directoryEntries(folder)) ?? [])
        .filter { !$0.hasPrefix(".") }.sorted()
        .map { ($0, readFileBytes(folder + "/" + $0)!) }
}

@Suite struct FuzzRegressionTests {
    /// Each input runs through the harness body the fuzzer ran (which traps on a broken
    /// invariant). The fuzzer calls an input over a second a hang; here the bound is a hang guard
    /// only (a loaded machine is slow, and a test does not time what a benchmark should): the
    /// inputs that hung took minutes.
    @Test(arguments: FuzzTarget.allCases)
    func regressionCorpusReplays(_ harness: FuzzTarget) async {
        let clock = ContinuousClock()
        for input in regressionInputs(harness) {
            let elapsed = await clock.measure { await harness.run(input.bytes) }
            #expect(elapsed < .seconds(30), "\(harness.rawValue)/\(input.name)")
        }
    }

    @Test func everyRegressionFolderNamesAHarness() {
        let names = ((try? FileSystem.system.directoryEntries(regressionsFolder)) ?? [])
            .filter { !$0.hasPrefix(".") }
        #expect(!names.isEmpty)
        #expect(names.filter { FuzzTarget(rawValue: $0) == nil } == [])
    }

}
