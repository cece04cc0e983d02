// Foundation's Process as a contender: one measurement per process.
//   bench-foundation spawn-handler N   Process.run() + terminationHandler, N times in sequence
//   bench-foundation spawn-wait N      Process.run() + waitUntilExit(), N times in sequence
//   bench-foundation capture BYTES     head -c BYTES /dev/zero, Pipe + readDataToEndOfFile()
import BenchSupport
import Foundation

func spawnTrue(wait: Bool) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    if wait {
        do { try process.run() } catch { Bench.fail("\(error)") }
        process.waitUntilExit()
    } else {
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        do { try process.run() } catch { Bench.fail("\(error)") }
        done.wait()
    }
    if process.terminationStatus != 0 { Bench.fail("/bin/true exited \(process.terminationStatus)") }
}

func spawn(iterations: Int, wait: Bool) {
    let warmups = wait ? 1 : Bench.warmups(for: iterations)
    var start = 0.0
    for index in -warmups..<iterations {
        if index == 0 { start = Bench.now() }
        spawnTrue(wait: wait)
    }
    Bench.report((Bench.now() - start) / Double(iterations))
}

func capture(bytes: Int) {
    let start = Bench.now()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/head")
    process.arguments = ["-c", String(bytes), "/dev/zero"]
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch { Bench.fail("\(error)") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let elapsed = Bench.now() - start
    if data.count != bytes { Bench.fail("captured \(data.count) bytes") }
    Bench.report(Double(bytes) / elapsed)
}

let arguments = Bench.arguments
switch arguments.first {
case "spawn-handler": spawn(iterations: Bench.intArgument(1, default: 1000), wait: false)
case "spawn-wait": spawn(iterations: Bench.intArgument(1, default: 20), wait: true)
case "capture": capture(bytes: Bench.intArgument(1, default: 1 << 30))
default: Bench.fail("usage: bench-foundation spawn-handler N | spawn-wait N | capture BYTES")
}
