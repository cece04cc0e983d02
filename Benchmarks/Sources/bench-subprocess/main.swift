// swift-subprocess as a contender: one measurement per process.
//   bench-subprocess spawn N          run(.path("/bin/true")) with stdio inherited, N times in sequence
//   bench-subprocess capture BYTES    head -c BYTES /dev/zero with output: .bytes(limit: BYTES)
//   bench-subprocess relay BYTES      head -c BYTES /dev/zero → .sequence → .inputWriter of wc -c
import BenchSupport
import Subprocess

func spawn(iterations: Int) async {
    let warmups = Bench.warmups(for: iterations)
    var start = 0.0
    for index in -warmups..<iterations {
        if index == 0 { start = Bench.now() }
        do {
            let result = try await run(
                .path("/bin/true"), input: .currentStandardInput, output: .currentStandardOutput,
                error: .currentStandardError)
            if !result.terminationStatus.isSuccess { Bench.fail("/bin/true: \(result.terminationStatus)") }
        } catch {
            Bench.fail("\(error)")
        }
    }
    Bench.report((Bench.now() - start) / Double(iterations))
}

func capture(bytes: Int) async {
    let start = Bench.now()
    do {
        let result = try await run(.name("head"), arguments: ["-c", String(bytes), "/dev/zero"], output: .bytes(limit: bytes))
        let elapsed = Bench.now() - start
        if result.standardOutput.count != bytes { Bench.fail("captured \(result.standardOutput.count) bytes") }
        Bench.report(Double(bytes) / elapsed)
    } catch {
        Bench.fail("\(error)")
    }
}

func relay(bytes: Int) async {
    let start = Bench.now()
    do {
        let outer = try await run(
            .name("head"), arguments: ["-c", String(bytes), "/dev/zero"], input: .none, output: .sequence, error: .discarded
        ) { producer in
            try await run(.name("wc"), arguments: ["-c"], input: .inputWriter, output: .string(limit: 64), error: .discarded) {
                consumer in
                for try await buffer in producer.standardOutput {
                    _ = try await consumer.standardInputWriter.write(buffer.bytes)
                }
                try await consumer.standardInputWriter.finish()
            }
        }
        let elapsed = Bench.now() - start
        let answer = outer.closureResult.standardOutput
        if Int(answer.filter { !$0.isWhitespace }) != bytes { Bench.fail("wc -c said \(answer)") }
        Bench.report(Double(bytes) / elapsed)
    } catch {
        Bench.fail("\(error)")
    }
}

let arguments = Bench.arguments
switch arguments.first {
case "spawn": await spawn(iterations: Bench.intArgument(1, default: 1000))
case "capture": await capture(bytes: Bench.intArgument(1, default: 1 << 30))
case "relay": await relay(bytes: Bench.intArgument(1, default: 1 << 30))
default: Bench.fail("usage: bench-subprocess spawn N | capture BYTES | relay BYTES")
}
