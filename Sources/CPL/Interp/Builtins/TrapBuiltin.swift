import ChildProcess

extension Executor {
    /// `trap [action condition…]`, `trap - condition…`, `trap '' condition…`, `trap` (list).
    func trap(_ operands: [String]) async -> Int32 {
        var operands = operands[...]
        if operands.first == "--" { operands = operands.dropFirst() }
        guard let first = operands.first else {
            var listing = ""
            let conditions = state.traps.keys.sorted { (TrapCondition.signal(of: $0)?.rawValue ?? 0) < (TrapCondition.signal(of: $1)?.rawValue ?? 0) }
            for condition in conditions {
                listing += "trap -- \(RemoteShell.singleQuoted(state.traps[condition]!)) \(condition)\n"
            }
            return await writeOutput(listing, builtin: "trap")
        }
        // `trap 2 3` and `trap INT`: a condition first means "reset these".
        let resets = first == "-" || (operands.count == 1) || (!first.isEmpty && first.allSatisfy(\.isNumber))
        let action: String? = resets ? nil : first
        let conditions = first == "-" || !resets ? operands.dropFirst() : operands
        var status: Int32 = 0
        for operand in conditions {
            guard let condition = TrapCondition.named(operand) else {
                status = await builtinError("trap", "\(operand): bad trap", status: 1)
                continue
            }
            state.traps[condition] = action
        }
        for failure in session.signalTraps.apply(state.traps, interactive: session.jobControl) {
            status = await builtinError("trap", "\(failure.signal.name): cannot catch: \(failure.error.description)", status: 1)
        }
        return status
    }
}
