// Embeds cpl: a builtin written in Swift runs as a pipeline stage between
// two programs, an exec handler records every program start, a job observer
// reports jobs, and the output is captured.
import CPL
import Synchronization

let shell = Interpreter()

// `upper` reads its standard input line by line and writes it upper-cased.
shell.registerBuiltin("upper") { call in
    do {
        for try await line in call.stdin.lines {
            try await call.stdout.write(line.uppercased() + "\n")
        }
        return 0
    } catch {
        return 1  // a write into a closed pipe makes the stage's status 141 anyway
    }
}

// Every program start goes through here; `next` starts it.
let started = Mutex<[String]>([])
shell.addExecHandler { request, next in
    started.withLock { $0.append(request.arguments.joined(separator: " ")) }
    return await next(request)
}

shell.observeJobs { event in
    if case .finished(let job) = event {
        print("job `\(job.command)` finished with status \(job.status ?? -1)")
    }
}

shell.setVariable("WHO", "embedded world", exported: true)
do {
    let result = try await shell.run(
        "printf 'hello\\n%s\\n' \"$WHO\" | upper | sort -r",
        fileName: "embed.cpl", stdout: .capture)
    print("captured: \(result.stdoutText.split(separator: "\n").joined(separator: " | "))")
    print("status: \(result.status)")
    print("programs started: \(started.withLock { $0 })")
} catch {
    print(error.rendered, terminator: "")
}
