import ChildProcess

/// A Swift parent and the seed's Node worker (`upper-worker.js`).
func upper() async throws {
    let worker = #filePath.split(separator: "/").dropLast(2).joined(separator: "/")
    let child = try ChildProcess.fork("/" + worker + "/upper-worker.js", options: ForkOptions(execPath: "node"))
    var replies = child.messages.makeAsyncIterator()
    for text in ["hello", "ünïcödé works", "two\nlines"] {
        try await child.send(.string(text))
        print(try await replies.next()?.value ?? "no reply")
    }
    child.disconnect()
    try await child.waitForClose()
}
