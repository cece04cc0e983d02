import CPL
import ChildProcess
import Glibc

/// `cpl`: parse the whole script, then run it (or check it, or print its plan).
enum CommandLineTool {
    static func run(_ argv: [String]) -> Int32 {
        let options: CommandLineOptions
        do {
            options = try CommandLineOptions(argv)
        } catch {
            writeError("cpl: \(error.message)\n" + CommandLineOptions.usage)
            return 2
        }
        if options.showHelp {
            write(CommandLineOptions.usage, to: 1)
            return 0
        }
        if options.showVersion {
            write("cpl \(CommandLineOptions.version)\n", to: 1)
            return 0
        }

        // Parse everything before running anything.
        let script: Script
        let scriptName: String
        do throws(InterpreterError) {
            switch options.source {
            case .command(let text):
                scriptName = options.commandName ?? "cpl"
                do { script = try Script(text: text, fileName: "-c", posix: options.shellOptions.posix) } catch { throw .syntax(error) }
            case .file(let path):
                scriptName = path
                script = try Script.load(path: path, posix: options.shellOptions.posix)
            case .standardInput:
                if options.forceInteractive || isatty(0) != 0 {
                    return InteractiveMode.run(options)
                }
                scriptName = "cpl"
                do { script = try Script(text: String(losslessBytes: readAll(0)), fileName: "<stdin>", posix: options.shellOptions.posix) } catch { throw .syntax(error) }
            }
        } catch {
            switch error {
            case .syntax(let error):
                writeError(error.rendered)
                return 2
            case .cannotRead(let path, let errno):
                writeError("cpl: cannot open \(path): \(errno)\n")
                return 127
            case .binary, .noSuchFunction:
                writeError(error.description + "\n")
                return 126
            }
        }
        // Exit here: freeing the syntax tree of a long script would only cost time.
        if options.syntaxCheckOnly { exit(0) }

        if let sshCommand = options.sshCommand {
            if let value = sshCommand { setenv(SSHCommand.environmentVariable, value, 1) } else { unsetenv(SSHCommand.environmentVariable) }
        }
        var interpreterOptions = Interpreter.Options(
            scriptName: scriptName, inheritedDescriptors: openDescriptors(), shellOptions: options.shellOptions)
        interpreterOptions.execReplacesProcess = true
        let interpreter = Interpreter(options: interpreterOptions)
        interpreter.positionalParameters = options.arguments

        if options.printPlan {
            let plan = Blocking.run { await interpreter.plan(script.program, source: script.text) }
            write(plan.rendered, to: 1)
            return 0
        }
        let status = Blocking.run {
            let result = await interpreter.run(script)
            // Like Node, which stays alive for its ref'd children: the script's
            // `&` jobs are waited for when it ends normally (not after `exit`).
            if result.ending == .completed { await interpreter.waitForBackgroundJobs() }
            return result.status
        }
        // Exit here: tearing the interpreter down would only cost time.
        exit(status)
    }

    /// The descriptors cpl was started with among 0–9 (passed on to programs, as sh does).
    static func openDescriptors() -> [Int32] {
        (0...9).filter { fcntl($0, F_GETFD) >= 0 }
    }

    static func readAll(_ fd: Int32) -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                result += buffer[0..<count]
            } else if count == 0 || errno != EINTR {
                return result
            }
        }
    }

    static func write(_ text: String, to fd: Int32) {
        var bytes = text.losslessBytes[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }

    static func writeError(_ text: String) { write(text, to: 2) }
}
