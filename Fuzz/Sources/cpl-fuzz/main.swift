import CLibFuzzer
import FuzzTargets
import Glibc

// One binary serves every harness; `CPL_FUZZ_TARGET` names the one to run (a raw value of
// `FuzzTarget`), so the sanitized build of the whole package happens once. The arguments are
// libFuzzer's.

guard let name = getenv("CPL_FUZZ_TARGET"), let named = FuzzTarget(rawValue: String(cString: name)) else {
    let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
    let message = "cpl-fuzz: set CPL_FUZZ_TARGET to one of: \(names)\n"
    _ = message.withCString { write(2, $0, strlen($0)) }
    exit(2)
}
let chosen = named
let executor = InlineExecutor()

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    let input = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    executor.run { await chosen.run(input) }
    return 0
})
