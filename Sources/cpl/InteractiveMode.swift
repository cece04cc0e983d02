/// The entry point of interactive mode: `cpl` on a terminal with no script,
/// or `cpl -i`. The REPL itself is in REPL/.
enum InteractiveMode {
    static func run(_ options: CommandLineOptions) -> Int32 {
        REPL(options: options).run()
    }
}
