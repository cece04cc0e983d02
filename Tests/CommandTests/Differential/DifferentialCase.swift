// The case corpus: parsing cases*.txt (the format is documented at the top of cases.txt).

import Foundation
import Testing

struct DifferentialCase: Sendable, CustomTestStringConvertible, CustomStringConvertible {
    enum StatusExpectation: Sendable, Equatable {
        case same            // dash and cpl must exit with the same status
        case exactly(Int32)  // both must exit with this status
        case nonzero         // both must fail, possibly with different statuses
    }

    enum StderrExpectation: Sendable, Equatable {
        case ignored
        case nonEmpty
        case empty
    }

    var name: String
    var file: String                // the corpus file it comes from
    var line: Int                   // line of the "###" header in that file
    var script: String
    var arg0 = "cpltest"
    var args: [String] = []
    var stdin: String? = nil        // nil: /dev/null
    var cplOnly = false
    var status = StatusExpectation.same
    var stderr = StderrExpectation.ignored
    var expectedStdout: String? = nil
    var expectedStderr: String? = nil
    var bashDiffers: String? = nil  // reason the bash cross-check is skipped
    var bashOracle = false          // cpl-only: plain bash must meet the expectations too
    var timeout: Double = 10
    var posix = POSIXExpectation.sameAsDefault

    /// What the case expects of `cpl --posix` (every case runs in POSIX mode too).
    enum POSIXExpectation: Sendable, Equatable {
        case sameAsDefault     // what the case expects of cpl, it expects of cpl --posix
        case only              // #@ posix-only: a shared case checked in POSIX mode only
        case asDash            // #@ posix-as-dash: cpl-only, but cpl --posix must agree with dash
        case differs(String)   // #@ posix-differs REASON: not run in POSIX mode
    }

    var testDescription: String { name }
    var description: String { name }
}

enum CaseCorpus {
    /// CPL_DIFF_CASES=/path/file.txt: load that one file instead of the corpus.
    static let override: String? = ProcessInfo.processInfo.environment["CPL_DIFF_CASES"].flatMap { $0.isEmpty ? nil : $0 }

    /// Every cases*.txt beside this file, or the override.
    static let sourceFiles: [String] = {
        if let override { return [override] }
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix("cases") && $0.hasSuffix(".txt") }.sorted()
            .map { folder.appendingPathComponent($0).path }
    }()

    static let loaded: (cases: [DifferentialCase], problems: [String]) = {
        var cases: [DifferentialCase] = []
        var problems: [String] = sourceFiles.isEmpty ? ["no cases*.txt found"] : []
        for path in sourceFiles {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                problems.append("cannot read \(path)")
                continue
            }
            let parsed = parse(text, file: URL(fileURLWithPath: path).lastPathComponent)
            cases += parsed.cases
            problems += parsed.problems
        }
        var seen = Set<String>()
        for c in cases where !seen.insert(c.name).inserted {
            problems.append("duplicate case name: \(c.name) (\(c.file):\(c.line))")
        }
        return (cases, problems)
    }()

    static var all: [DifferentialCase] { loaded.cases }
    static var differential: [DifferentialCase] { all.filter { !$0.cplOnly && $0.posix != .only } }
    static var cplOnly: [DifferentialCase] { all.filter { $0.cplOnly } }
    /// The cases `cpl --posix` runs: all but the #@ posix-differs ones.
    static var posix: [DifferentialCase] {
        all.filter { if case .differs = $0.posix { false } else { true } }
    }

    static func parse(_ text: String, file: String) -> (cases: [DifferentialCase], problems: [String]) {
        var cases: [DifferentialCase] = []
        var problems: [String] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)

        var current: DifferentialCase? = nil
        var body: [String] = []
        var section: String? = nil      // nil: script body
        var sectionNoNewline = false
        var sectionLines: [String] = []
        var inDirectives = false

        func trimmedTrailingBlankLines(_ lines: [String]) -> [String] {
            var lines = lines
            while let last = lines.last, last.allSatisfy({ $0 == " " || $0 == "\t" }) { lines.removeLast() }
            return lines
        }

        func closeSection() {
            guard let name = section, current != nil else { return }
            let content = trimmedTrailingBlankLines(sectionLines)
            var textValue = content.joined(separator: "\n")
            if !sectionNoNewline && !content.isEmpty { textValue += "\n" }
            switch name {
            case "stdin": current!.stdin = textValue
            case "stdout": current!.expectedStdout = textValue
            case "stderr": current!.expectedStderr = textValue
            default: problems.append("\(current!.name): unknown section --- \(name)")
            }
            section = nil
            sectionLines = []
        }

        func closeCase() {
            closeSection()
            guard var c = current else { return }
            let script = trimmedTrailingBlankLines(body)
            c.script = script.isEmpty ? "" : script.joined(separator: "\n") + "\n"
            if c.posix == .only && c.cplOnly { problems.append("\(c.name) (\(c.file):\(c.line)): posix-only is for shared cases") }
            if c.posix == .asDash && !c.cplOnly { problems.append("\(c.name) (\(c.file):\(c.line)): posix-as-dash is for cpl-only cases") }
            if c.cplOnly && c.expectedStdout == nil && c.expectedStderr == nil && c.status == .same && c.stderr == .ignored {
                problems.append("\(c.name) (\(c.file):\(c.line)): cpl-only case without any expectation")
            }
            cases.append(c)
            current = nil
            body = []
        }

        for (index, line) in lines.enumerated() {
            let lineNumber = index + 1
            if line.hasPrefix("### ") {
                closeCase()
                let name = line.dropFirst(4).trimmingCharacters(in: .whitespaces)
                current = DifferentialCase(name: name, file: file, line: lineNumber, script: "")
                inDirectives = true
                continue
            }
            if line.hasPrefix("## ") {  // area heading: ends the case before it
                closeCase()
                continue
            }
            guard current != nil else { continue }  // preamble
            if line.hasPrefix("--- ") {
                closeSection()
                inDirectives = false
                var words = line.dropFirst(4).split(separator: " ").map(String.init)
                sectionNoNewline = words.contains("-n")
                words.removeAll { $0 == "-n" }
                section = words.first ?? ""
                continue
            }
            if section != nil { sectionLines.append(line); continue }
            if inDirectives && line.hasPrefix("#@") {
                if let problem = apply(directive: String(line.dropFirst(2)), to: &current!) {
                    problems.append("\(file):\(lineNumber): \(problem)")
                }
                continue
            }
            inDirectives = false
            body.append(line)
        }
        closeCase()
        return (cases, problems)
    }

    /// Returns a problem description, or nil.
    private static func apply(directive: String, to c: inout DifferentialCase) -> String? {
        let words = splitWords(directive)
        guard let key = words.first else { return "empty directive" }
        let rest = Array(words.dropFirst())
        switch key {
        case "args":
            guard let first = rest.first else { return "args needs at least ARG0" }
            c.arg0 = first
            c.args = Array(rest.dropFirst())
        case "cpl-only":
            c.cplOnly = true
        case "status":
            if rest == ["nonzero"] { c.status = .nonzero }
            else if rest.count == 1, let n = Int32(rest[0]) { c.status = .exactly(n) }
            else { return "status takes a number or 'nonzero'" }
        case "stderr":
            if rest == ["nonempty"] { c.stderr = .nonEmpty }
            else if rest == ["empty"] { c.stderr = .empty }
            else { return "stderr takes 'nonempty' or 'empty'" }
        case "bash-differs":
            c.bashDiffers = rest.isEmpty ? "(no reason given)" : rest.joined(separator: " ")
        case "bash-oracle":
            c.bashOracle = true
        case "posix-only":
            c.posix = .only
        case "posix-as-dash":
            c.posix = .asDash
        case "posix-differs":
            c.posix = .differs(rest.isEmpty ? "(no reason given)" : rest.joined(separator: " "))
        case "timeout":
            guard rest.count == 1, let t = Double(rest[0]) else { return "timeout takes seconds" }
            c.timeout = t
        default:
            return "unknown directive \(key)"
        }
        return nil
    }

    /// Splits on blanks; single quotes group (no escapes inside them).
    static func splitWords(_ s: String) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quoted = false
        for ch in s {
            if quoted {
                if ch == "'" { quoted = false } else { word.append(ch) }
            } else if ch == "'" {
                quoted = true
                inWord = true
            } else if ch == " " || ch == "\t" {
                if inWord { words.append(word); word = ""; inWord = false }
            } else {
                word.append(ch)
                inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }
}
