// `getopts OPTSTRING NAME [arg…]`, as dash's: OPTIND counts the next argument, and a private
// position inside a group of options (`-abc`) is kept beside it.

extension Executor {
    func getopts(_ operands: [String]) async throws(ShellExit) -> Int32 {
        guard operands.count >= 2 else { return await builtinError("getopts", "usage: getopts optstring var [arg...]") }
        let optionString = Array(operands[0].unicodeScalars)
        let name = operands[1]
        guard Parser.isName(name[...]) else { return await builtinError("getopts", "\(name): bad variable name") }
        let arguments = operands.count > 2 ? Array(operands.dropFirst(2)) : state.positionalParameters
        let silent = optionString.first == ":"
        var index = Int(state.variables["OPTIND"] ?? "1") ?? 1
        if index < 1 { index = 1 }
        // A new OPTIND (set by the script) restarts the scan of a group.
        if getoptsPosition.optionIndex != index { getoptsPosition = (index, 1) }
        var offset = getoptsPosition.offset

        func finish(_ option: String, argument: String?, next: Int, nextOffset: Int) async throws(ShellExit) -> Int32 {
            getoptsPosition = (next, nextOffset)
            try await assign(name, option)
            try await assign("OPTIND", String(next))
            if let argument { state.variables["OPTARG"] = argument } else { state.variables["OPTARG"] = nil }
            return 0
        }

        guard index - 1 < arguments.count else {
            getoptsPosition = (index, 1)
            try await assign(name, "?")
            return 1
        }
        let word = Array(arguments[index - 1].unicodeScalars)
        if offset == 1 {
            guard word.count > 1, word[0] == "-" else {
                try await assign(name, "?")
                return 1
            }
            if word == ["-", "-"] {
                getoptsPosition = (index + 1, 1)
                try await assign("OPTIND", String(index + 1))
                try await assign(name, "?")
                return 1
            }
        }
        let option = word[offset]
        offset += 1
        let atEnd = offset >= word.count
        let (next, nextOffset) = atEnd ? (index + 1, 1) : (index, offset)
        guard option != ":", let position = optionString.firstIndex(of: option) else {
            if silent { return try await finish("?", argument: String(Character(option)), next: next, nextOffset: nextOffset) }
            try? await ShellOutput(files[2]).write("Illegal option -\(Character(option))\n")
            return try await finish("?", argument: nil, next: next, nextOffset: nextOffset)
        }
        guard position + 1 < optionString.count, optionString[position + 1] == ":" else {
            return try await finish(String(Character(option)), argument: "", next: next, nextOffset: nextOffset)
        }
        if !atEnd {
            var rest = String.UnicodeScalarView()
            rest.append(contentsOf: word[offset...])
            return try await finish(String(Character(option)), argument: String(rest), next: index + 1, nextOffset: 1)
        }
        guard index < arguments.count else {
            if silent { return try await finish(":", argument: String(Character(option)), next: index + 1, nextOffset: 1) }
            try? await ShellOutput(files[2]).write("No arg for -\(Character(option)) option\n")
            return try await finish("?", argument: nil, next: index + 1, nextOffset: 1)
        }
        return try await finish(String(Character(option)), argument: arguments[index], next: index + 2, nextOffset: 1)
    }
}
