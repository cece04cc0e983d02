// Benchmark 7, the Swift side of IPC, over ChildProcess.fork and Node's JSON channel:
//   bench ipc-rtt N swift|node    N sequential round trips of {"seq":i,"text":"ping"}: round trips/s
//   bench ipc-bulk N swift|node   N sequential echoes of {"seq":i,"data":<1 MiB string>}: payload
//                                 bytes per second, both directions counted
//   bench ipc-child               the Swift echo child (what `swift` forks)
// `node` forks Benchmarks/peers/ipc_child.js, the same echo child Node↔Node uses.
import BenchSupport
import ChildProcess

enum IPCContenders {
    /// Why the Swift IPC rows cannot run, or nil when they can.
    static let unavailable: String? = nil

    static func parent(mode: String, count: Int, child childKind: String) async {
        let bulk = mode == "bulk"
        let payload: JSONValue = bulk ? .string(String(repeating: "x", count: 1 << 20)) : "ping"
        let payloadKey = bulk ? "data" : "text"
        let child: ChildProcess
        do {
            if childKind == "node" {
                child = try ChildProcess.fork("Benchmarks/peers/ipc_child.js", options: ForkOptions(execPath: "node"))
            } else {
                child = try ChildProcess.fork("ipc-child")  // this executable again, in its child role
            }
        } catch {
            Bench.fail("fork: \(error)")
        }
        let warmups = Bench.warmups(for: count)
        var replies = child.messages.makeAsyncIterator()
        var start = 0.0
        do {
            for seq in -warmups..<count {
                if seq == 0 { start = Bench.now() }
                try await child.send(["seq": .number(Double(seq)), payloadKey: payload])
                guard let reply = try await replies.next() else { Bench.fail("the child disconnected") }
                guard reply.value["seq"]?.intValue == seq else { Bench.fail("expected seq \(seq), got \(reply.value)") }
                if bulk && reply.value["data"] != payload { Bench.fail("the echo of message \(seq) differs") }
            }
        } catch {
            Bench.fail("\(error)")
        }
        let elapsed = Bench.now() - start
        child.disconnect()
        _ = try? await child.waitForExit()
        Bench.report(bulk ? Double(2 * (1 << 20) * count) / elapsed : Double(count) / elapsed)
    }

    static func child() async {
        guard let channel = ParentChannel.current else { Bench.fail("ipc-child needs an IPC channel (run it with fork)") }
        do {
            for try await message in channel.messages {
                try await channel.send(message.value)
            }
        } catch {
            Bench.fail("\(error)")
        }
    }
}
