// The `cpl` command. Kept small: argument handling is in CommandLineOptions,
// running a script in CommandLineTool, the REPL in REPL/ (entered through
// InteractiveMode).
import ChildProcess
import Glibc

// argv straight from the C array: `CommandLine.arguments` costs ~50 µs of start-up.
var arguments: [String] = []
arguments.reserveCapacity(Int(CommandLine.argc))
for index in 0..<Int(CommandLine.argc) {
    arguments.append(CommandLine.unsafeArgv[index].map { String(losslessCString: $0) } ?? "")
}
exit(CommandLineTool.run(arguments))
