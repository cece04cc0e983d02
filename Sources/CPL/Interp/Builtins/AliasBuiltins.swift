// `alias` and `unalias`, with dash's operands, messages and listing. The parser expands aliases
// (AliasExpansion.swift) in text parsed after they were defined: `eval`, `.`, the REPL's next
// line; not in the rest of the script that defines them, which was parsed before it ran.

import ChildProcess

extension Executor {
    /// `alias [NAME[=value]…]`: defines each `NAME=value`, prints each `NAME` as `NAME='value'`;
    /// with no operands, lists every alias (sorted). An unknown NAME is status 1.
    func alias(_ operands: [String]) async -> Int32 {
        if operands.isEmpty {
            let listing = state.aliases.keys.sorted().map { "\($0)=\(RemoteShell.singleQuoted(state.aliases[$0]!))\n" }.joined()
            return await writeOutput(listing, builtin: "alias")
        }
        var status: Int32 = 0
        for operand in operands {
            if let equals = operand.firstIndex(of: "="), equals != operand.startIndex {
                state.aliases[String(operand[..<equals])] = String(operand[operand.index(after: equals)...])
            } else if let value = state.aliases[operand] {
                let written = await writeOutput("\(operand)=\(RemoteShell.singleQuoted(value))\n", builtin: "alias")
                if written != 0 { return written }
            } else {
                status = await builtinError("alias", "\(operand) not found", status: 1)
            }
        }
        return status
    }

    /// `unalias NAME…`: removes aliases; an unknown NAME is status 1. `unalias -a`: removes all.
    func unalias(_ operands: [String]) async -> Int32 {
        guard let (flags, names) = await leadingFlags(of: operands, allowed: "a", builtin: "unalias") else { return 2 }
        if !flags.isEmpty {
            // dash removes them all and stops there: names after -a are not looked at.
            state.aliases = [:]
            return 0
        }
        var status: Int32 = 0
        for name in names where state.aliases.removeValue(forKey: name) == nil {
            status = await builtinError("unalias", "\(name) not found", status: 1)
        }
        return status
    }
}
