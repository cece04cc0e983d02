import Glibc

/// The entry point of interactive mode: `cpl` on a terminal with no script,
/// or `cpl -i`. The REPL (Sources/cpl/REPL) replaces this body.
enum InteractiveMode {
    static func run(_ options: CommandLineOptions) -> Int32 {
        let message = "cpl: interactive mode is not available yet\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        return 2
    }
}
