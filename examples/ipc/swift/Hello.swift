import ChildProcess

/// Node's first `fork` example: the parent prints what the child sends, the child prints what the
/// parent sends.
func hello() async throws {
    let child = try ChildProcess.fork("hello-child")
    try await child.send(["hello": "world"])
    for try await message in child.messages {
        print("PARENT got message:", message.value)
        child.disconnect()
    }
    try await child.waitForClose()
}

func helloChild() async throws {
    guard let parent = ParentChannel.current else { return print("hello-child must be forked") }
    try await parent.send(["foo": "bar", "baz": .number(.nan)])  // NaN travels as null, as in Node
    for try await message in parent.messages {
        print("CHILD got message:", message.value)
    }
}
