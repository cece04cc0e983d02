// cpl's own contenders: one measurement per process, reported as `RESULT <value> <peak RSS KiB>`.
import BenchSupport
import ChildProcess
import Glibc

enum ChildProcessContenders {
    /// `bench spawn-async N`: ChildProcess.spawn("/bin/true") + waitForExit(), N times in sequence.
    static func spawnAsync(_ iterations: Int) async {
        let options = SpawnOptions(stdio: .all(.inherit))
        let warmups = Bench.warmups(for: iterations)
        var start = 0.0
        for index in -warmups..<iterations {
            if index == 0 { start = Bench.now() }
            do {
                let child = try ChildProcess.spawn("/bin/true", options: options)
                let status = try await child.waitForExit()
                if !status.isSuccess { Bench.fail("/bin/true: \(status)") }
            } catch {
                Bench.fail("\(error)")
            }
        }
        Bench.report((Bench.now() - start) / Double(iterations))
    }

    /// `bench spawn-sync N`: ChildProcess.spawnSync("/bin/true"), N times in sequence.
    static func spawnSync(_ iterations: Int) {
        var options = ExecOptions()
        options.stdio = .all(.inherit)
        let warmups = Bench.warmups(for: iterations)
        var start = 0.0
        for index in -warmups..<iterations {
            if index == 0 { start = Bench.now() }
            do {
                let result = try ChildProcess.spawnSync("/bin/true", options: options)
                if !result.status.isSuccess { Bench.fail("/bin/true: \(result.status)") }
            } catch {
                Bench.fail("\(error)")
            }
        }
        Bench.report((Bench.now() - start) / Double(iterations))
    }

    /// `bench capture BYTES`: execFile("head", ["-c", BYTES, "/dev/zero"]) with maxBuffer = BYTES.
    static func capture(_ bytes: Int) async {
        var options = ExecOptions()
        options.maxBuffer = bytes
        let start = Bench.now()
        let output: ExecOutput
        do {
            output = try await ChildProcess.execFile("head", ["-c", String(bytes), "/dev/zero"], options: options)
        } catch {
            Bench.fail("\(error)")
        }
        let elapsed = Bench.now() - start
        if output.stdoutBytes.count != bytes { Bench.fail("captured \(output.stdoutBytes.count) bytes") }
        Bench.report(Double(bytes) / elapsed)
    }

    /// `bench relay BYTES`: head -c BYTES /dev/zero → this process → wc -c with
    /// `stdout.pipe(to: stdin)` (splice); `relay-chunks`: by reading stdout chunks and writing them.
    static func relay(_ bytes: Int, byChunks: Bool) async {
        let start = Bench.now()
        do {
            let producer = try ChildProcess.spawn("head", ["-c", String(bytes), "/dev/zero"],
                                                  options: SpawnOptions(stdio: [.ignore, .pipe, .inherit]))
            let consumer = try ChildProcess.spawn("wc", ["-c"], options: SpawnOptions(stdio: [.pipe, .pipe, .inherit]))
            guard let from = producer.stdout, let to = consumer.stdin, let result = consumer.stdout else {
                Bench.fail("missing pipes")
            }
            if byChunks {
                while let chunk = try await from.read(upTo: 1 << 16) {
                    try await to.write(chunk)
                }
                to.end()
            } else {
                try await from.pipe(to: to)
            }
            let answer = try await result.text()
            try await producer.waitForExit()
            try await consumer.waitForExit()
            let elapsed = Bench.now() - start
            let counted = Int(answer.filter { !$0.isWhitespace }) ?? -1
            if counted != bytes { Bench.fail("wc -c said \(answer)") }
            Bench.report(Double(bytes) / elapsed)
        } catch {
            Bench.fail("\(error)")
        }
    }
}
