// `bench drive`: runs every contender of every benchmark in alternating order — round-robin over
// the contenders, repeated N times, the starting contender rotating each round — each in a fresh
// process, then prints one Markdown table of medians, min–max and the ratio to the reference.
//
// Paths are relative to the repository root, which must be the working directory (Benchmarks/run
// makes it so), so that every command in the table can be pasted as it is.
import Glibc

/// How a benchmark's numbers read. Contenders report seconds per operation or a rate.
enum Metric {
    /// Seconds per operation, shown × `scale` in `unit`; lower is better.
    case time(unit: String, scale: Double)
    /// Units per second, shown ÷ `scale` in `unit`; higher is better.
    case rate(unit: String, scale: Double)
    /// Seconds per run of a command moving `bytes`, shown as a rate ÷ `scale` in `unit`; higher is better.
    case throughput(bytes: Double, unit: String, scale: Double)

    var higherIsBetter: Bool { if case .time = self { false } else { true } }

    /// A contender's raw value in the displayed, comparable form (rates stay rates).
    func comparable(_ raw: Double) -> Double {
        if case .throughput(let bytes, _, _) = self { return bytes / raw }
        return raw
    }

    func show(_ value: Double) -> String {
        switch self {
        case .time(let unit, let scale): "\(Format.number(value * scale)) \(unit)"
        case .rate(let unit, let scale), .throughput(_, let unit, let scale): "\(Format.number(value / scale)) \(unit)"
        }
    }

    func showRange(_ low: Double, _ high: Double) -> String {
        switch self {
        case .time(_, let scale): "\(Format.number(low * scale))–\(Format.number(high * scale))"
        case .rate(_, let scale), .throughput(_, _, let scale): "\(Format.number(low / scale))–\(Format.number(high / scale))"
        }
    }
}

/// A target for one of cpl's rows: its ratio to the reference, and for capture its peak RSS.
struct Target {
    /// For time metrics the ratio must be at most this; for rates at least this.
    var ratio: Double
    /// Peak RSS at most this many times the output (capture).
    var peakRSSOverOutput: Double?
    /// Peak RSS at most this many MiB (parsing).
    var peakRSSMiB: Double?
}

struct Contender {
    var name: String
    var argv: [String]
    var target: Target?
    /// Why this row cannot run here (a missing peer, an API not written yet): shown instead of numbers.
    var unavailable: String?
    /// cpl's own rows: an error in them is a broken benchmark (exit status 1), not a number.
    var own = false
    var note: String?

    var command: String { argv.map(Format.shellQuoted).joined(separator: " ") }
}

struct Benchmark {
    var number: String
    var title: String
    var metric: Metric
    var reference: Int
    var contenders: [Contender]
    /// Bytes the contenders keep in memory, for the peak-RSS ratio.
    var outputBytes: Int?
    var notes: [String] = []
    /// Runs before each round (pre-touching memory for the capture rows).
    var beforeRound: (() -> Void)?
    /// More rounds than the default, for a noisy benchmark (full runs only; --reps overrides).
    var minimumRounds = 0
}

struct Measurements {
    var values: [Double] = []
    var peakRSSKiB: [Int] = []
    var failure: String?

    var median: Double? { Stats.median(values) }
}

enum Stats {
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

enum Format {
    /// Three significant digits without exponent.
    static func number(_ value: Double) -> String {
        let magnitude = abs(value)
        let digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : magnitude >= 0.1 ? 3 : 4
        return fixed(value, digits)
    }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([value]) { vsnprintf(&buffer, 64, "%.\(digits)f", $0) }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    static func shellQuoted(_ word: String) -> String {
        let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
        if plain && !word.isEmpty { return word }
        return "'" + word.replacing("'", with: "'\\''") + "'"
    }

    static func cell(_ text: String) -> String { text.replacing("|", with: "\\|") }
}

struct DriverOptions {
    var quick = false
    var repetitions: Int?
    var only: Set<String>?
    var output: String?
    var cpl = ".build/release/cpl"
    /// Set by Benchmarks/run when cpl did not build: its rows are not run.
    var cplProblem: String?
    var bench = "Benchmarks/.build/release"
    var cbench = "Benchmarks/.build/cbench"
}

final class Driver {
    let options: DriverOptions
    var results: [[Measurements]] = []
    var benchmarks: [Benchmark] = []
    var ownFailures: [String] = []

    init(options: DriverOptions) { self.options = options }

    var repetitions: Int { options.repetitions ?? (options.quick ? 3 : 5) }
    var timeout: Double { options.quick ? 90 : 600 }

    func run() -> Int32 {
        benchmarks = Plan(options: options).benchmarks()
            .filter { options.only == nil || options.only!.contains($0.number.filter(\.isNumber)) }
        let loadBefore = Machine.loadAverage()
        let started = Launcher.now()
        for (index, benchmark) in benchmarks.enumerated() {
            results.append(measure(benchmark, index: index))
        }
        let elapsed = Launcher.now() - started
        let table = render(loadBefore: loadBefore, loadAfter: Machine.loadAverage(), elapsed: elapsed)
        print(table)
        if let path = options.output {
            if let file = fopen(path, "w") {
                fputs(table, file)
                fclose(file)
                log("wrote \(path)")
            } else {
                log("cannot write \(path)")
            }
        }
        if !ownFailures.isEmpty {
            log("cpl's own contenders failed:\n  " + ownFailures.joined(separator: "\n  "))
            return 1
        }
        return 0
    }

    private func measure(_ benchmark: Benchmark, index: Int) -> [Measurements] {
        var measurements = [Measurements](repeating: Measurements(), count: benchmark.contenders.count)
        let count = benchmark.contenders.count
        let repetitions = options.repetitions ?? (options.quick ? self.repetitions : max(self.repetitions, benchmark.minimumRounds))
        for round in 0..<repetitions {
            benchmark.beforeRound?()
            for step in 0..<count {
                let which = (step + round) % count
                let contender = benchmark.contenders[which]
                if contender.unavailable != nil || measurements[which].failure != nil { continue }
                log("[\(benchmark.number) round \(round + 1)/\(repetitions)] \(contender.name)")
                let finished = Launcher.run(contender.argv, timeout: timeout)
                if finished.succeeded, let result = finished.result {
                    measurements[which].values.append(benchmark.metric.comparable(result.value))
                    measurements[which].peakRSSKiB.append(result.peakRSSKiB)
                } else {
                    let why = finished.succeeded ? "no RESULT line" : finished.failure
                    measurements[which].failure = why
                    log("  failed: \(why)")
                    if contender.own { ownFailures.append("\(benchmark.number) \(contender.name): \(why)") }
                }
            }
        }
        return measurements
    }

    private func render(loadBefore: String, loadAfter: String, elapsed: Double) -> String {
        var lines: [String] = []
        lines.append("# cpl benchmarks\(options.quick ? " (--quick)" : "")")
        lines.append("")
        lines.append("- Date: \(Machine.date())")
        lines.append("- Machine: \(Machine.description())")
        lines.append("- Load average (1, 5, 15 min): \(loadBefore) before, \(loadAfter) after; the run took \(Format.fixed(elapsed, 0)) s")
        lines.append("- Tools: \(Machine.tools(cpl: options.cpl))")
        lines.append("- Method: every contender runs in a fresh process; contenders alternate round-robin, "
            + "\(repetitions) rounds (unless a note says otherwise), the starting contender rotating each round. Median of the rounds, "
            + "min–max across them, ratio of medians to the reference row (marked **ref**). "
            + "Peak RSS is the contender's VmHWM (/proc/self/status: getrusage ru_maxrss without the high-water mark execve inherits from a vfork-ing launcher); for shell rows, getrusage(RUSAGE_CHILDREN).ru_maxrss of the timer (its largest child).")
        lines.append("- Commands are run from the repository root after `Benchmarks/run` has built them.")
        lines.append("")
        lines.append("| # | Contender | Command | Median | Min–max | vs ref | Peak RSS | Target |")
        lines.append("|---|---|---|---:|---:|---:|---:|---|")
        var notes: [String] = []
        var summary: [String] = []
        for (benchmarkIndex, benchmark) in benchmarks.enumerated() {
            let measured = results[benchmarkIndex]
            let reference = measured[benchmark.reference].median
            for (index, contender) in benchmark.contenders.enumerated() {
                let m = measured[index]
                let isReference = index == benchmark.reference
                let label = "\(benchmark.number) \(benchmark.title)"
                var name = contender.name + (isReference ? " **ref**" : "")
                if let note = contender.note { name += " (\(note))" }
                var median = "–", range = "–", ratio = "–", rss = "–", verdict = ""
                if let unavailable = contender.unavailable {
                    median = "not run: \(unavailable)"
                    if contender.target != nil { verdict = "not measured" }
                } else if let failure = m.failure, m.values.isEmpty {
                    median = "FAILED: \(failure)"
                    if contender.target != nil { verdict = "not measured" }
                } else if let value = m.median {
                    median = benchmark.metric.show(value)
                    range = benchmark.metric.showRange(m.values.min()!, m.values.max()!)
                    if let failure = m.failure { range += " (then failed: \(failure))" }
                    let rssKiB = m.peakRSSKiB.sorted()[m.peakRSSKiB.count / 2]
                    rss = "\(Format.number(Double(rssKiB) / 1024)) MiB"
                    var rssRatio: Double?
                    if let bytes = benchmark.outputBytes {
                        rssRatio = Double(rssKiB) * 1024 / Double(bytes)
                        rss += " (\(Format.fixed(rssRatio!, 2))× output)"
                    }
                    if let reference {
                        let r = value / reference
                        ratio = isReference ? "1.00×" : "\(Format.fixed(r, 2))×"
                        if let target = contender.target {
                            verdict = judge(
                                target, ratio: r, rssRatio: rssRatio, rssMiB: Double(rssKiB) / 1024, metric: benchmark.metric)
                        }
                    }
                }
                if contender.unavailable == nil && m.values.isEmpty && m.failure == nil { median = "not run" }
                if contender.target != nil {
                    let reference = benchmark.contenders[benchmark.reference].name
                    summary.append("- \(benchmark.number) \(contender.name) vs \(reference): "
                        + (ratio == "–" ? verdict : "\(ratio) → \(verdict)"))
                }
                let row = [index == 0 ? label : "", name, "`\(contender.command)`", median, range, ratio, rss, verdict]
                lines.append("| " + row.map(Format.cell).joined(separator: " | ") + " |")
            }
            for note in benchmark.notes { notes.append("- \(benchmark.number): \(note)") }
        }
        if !summary.isEmpty {
            lines.append("")
            lines.append("Targets (ratio of medians to the reference):")
            lines.append("")
            lines += summary
        }
        if !notes.isEmpty {
            lines.append("")
            lines.append("Notes:")
            lines.append("")
            lines += notes
        }
        lines.append("")
        return lines.joined(separator: "\n")
    }

    private func judge(_ target: Target, ratio: Double, rssRatio: Double?, rssMiB: Double, metric: Metric) -> String {
        func verdict(_ met: Bool) -> String { met ? "met" : "**missed**" }
        var parts: [String] = []
        if metric.higherIsBetter {
            parts.append("≥ \(Format.fixed(target.ratio, 2))×: \(verdict(ratio >= target.ratio))")
        } else {
            parts.append("≤ \(Format.fixed(target.ratio, 2))×: \(verdict(ratio <= target.ratio))")
        }
        if let limit = target.peakRSSOverOutput, let rssRatio {
            parts.append("RSS ≤ \(Format.fixed(limit, 1))× output: \(verdict(rssRatio <= limit))")
        }
        if let limit = target.peakRSSMiB {
            parts.append("RSS ≤ \(Format.number(limit)) MiB: \(verdict(rssMiB <= limit))")
        }
        return parts.joined(separator: "; ")
    }
}

func log(_ message: String) {
    var line = message + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}
