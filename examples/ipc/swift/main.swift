// The seed's child_process IPC examples, in Swift. The program forks itself for its Swift children
// (the first argument picks the role); the JavaScript files beside this folder are the Node sides.
//
//   swift run ipc-examples hello           parent and child exchange messages
//   swift run ipc-examples upper           a Swift parent and the seed's Node upper-case worker
//   swift run ipc-examples shared-server   a listening server shared with a child
//   swift run ipc-examples route [node]    connections routed to a 'normal' and a 'special' worker
//   node examples/ipc/shared-server-parent.js .build/debug/ipc-examples   a Node parent, a Swift child
import ChildProcess

let arguments = CommandLine.arguments
do {
    switch arguments.count > 1 ? arguments[1] : "" {
    case "hello": try await hello()
    case "hello-child": try await helloChild()
    case "upper": try await upper()
    case "shared-server": try await sharedServer()
    case "server-child": try await serverChild()
    case "route": try await route(nodeWorkers: arguments.count > 2 && arguments[2] == "node")
    case "socket-worker": try await socketWorker(priority: arguments[2])
    default: print("usage: ipc-examples hello | upper | shared-server | route [node]")
    }
} catch {
    print("ipc-examples \(arguments.dropFirst().joined(separator: " ")): \(error)")
}
