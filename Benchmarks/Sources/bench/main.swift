// `bench`: cpl's benchmark driver and cpl's own contenders.
//
//   bench drive [--quick] [--reps N] [--only 1,2,…] [--out FILE]   run everything, print the table
//   bench spawn-async N | spawn-sync N | capture BYTES | relay BYTES | relay-chunks BYTES
//                                                                    one ChildProcess measurement
//   bench ipc-rtt N swift|node | ipc-bulk N swift|node | ipc-child    the Swift side of IPC
//
// Run from the repository root (Benchmarks/run does): the table's commands are relative to it.
import BenchSupport
import Glibc

let arguments = Bench.arguments
switch arguments.first {
case "drive":
    var options = DriverOptions()
    var rest = arguments.dropFirst()
    while let flag = rest.popFirst() {
        switch flag {
        case "--quick": options.quick = true
        case "--reps": options.repetitions = rest.popFirst().flatMap { Int($0) }
        case "--only": options.only = Set((rest.popFirst() ?? "").split(separator: ",").map(String.init))
        case "--out": options.output = rest.popFirst()
        case "--cpl": options.cpl = rest.popFirst() ?? options.cpl
        case "--cpl-problem": options.cplProblem = rest.popFirst()
        default: Bench.fail("unknown option \(flag)")
        }
    }
    exit(Driver(options: options).run())
case "spawn-async": await ChildProcessContenders.spawnAsync(Bench.intArgument(1, default: 1000))
case "spawn-sync": ChildProcessContenders.spawnSync(Bench.intArgument(1, default: 1000))
case "capture": await ChildProcessContenders.capture(Bench.intArgument(1, default: 1 << 30))
case "relay": await ChildProcessContenders.relay(Bench.intArgument(1, default: 1 << 30), byChunks: false)
case "relay-chunks": await ChildProcessContenders.relay(Bench.intArgument(1, default: 1 << 30), byChunks: true)
case "ipc-rtt", "ipc-bulk":
    await IPCContenders.parent(mode: String(arguments[0].dropFirst(4)), count: Bench.intArgument(1, default: 1000),
                               child: arguments.count > 2 ? arguments[2] : "swift")
case "ipc-child": await IPCContenders.child()
default:
    Bench.fail("usage: bench drive [--quick] [--reps N] [--only 1,2,…] [--out FILE] | spawn-async N | spawn-sync N | "
        + "capture BYTES | relay BYTES | relay-chunks BYTES | ipc-rtt N swift|node | ipc-bulk N swift|node | ipc-child")
}
