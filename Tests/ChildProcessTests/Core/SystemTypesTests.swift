import ChildProcess
import Glibc
import TestSupport
import Testing

/// swift-system's types as this library extends them: what it adds must keep its promises
/// (O_CLOEXEC, exact bytes, Node's codes).
@Suite("swift-system types")
struct SystemTypesTests {
    @Test func openTakesAFilePathByteForByteAndClosesOnExec() throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let nameBytes: [UInt8] = [0x66, 0x80, 0xFF, 0xC3]
        let cPath = (Array(directory.utf8) + [UInt8(ascii: "/")] + nameBytes + [0]).map { CChar(bitPattern: $0) }
        let path = cPath.withUnsafeBufferPointer { FilePath(platformString: $0.baseAddress!) }
        let file = try FileDescriptor.open(path, O_WRONLY | O_CREAT)
        defer { try? file.close() }
        #expect(fcntl(file.rawValue, F_GETFD) & FD_CLOEXEC != 0)
        #expect(try ChildProcess.spawnSync("ls", [directory]).stdoutBytes == nameBytes + [0x0A])
    }

    @Test func pipeEndsCloseOnExec() throws {
        let (readEnd, writeEnd) = try FileDescriptor.pipe()
        defer {
            try? readEnd.close()
            try? writeEnd.close()
        }
        #expect(fcntl(readEnd.rawValue, F_GETFD) & FD_CLOEXEC != 0)
        #expect(fcntl(writeEnd.rawValue, F_GETFD) & FD_CLOEXEC != 0)
    }

    @Test func duplicateAtLeastIsNumberedAboveAndClosesOnExec() throws {
        let copy = try FileDescriptor.standardError.duplicate(atLeast: 100)
        defer { try? copy.close() }
        #expect(copy.rawValue >= 100)
        #expect(fcntl(copy.rawValue, F_GETFD) & FD_CLOEXEC != 0)
    }

    @Test func errnoCarriesNodesCode() {
        #expect(Errno.noSuchFileOrDirectory.code == "ENOENT")
        #expect(Errno.execFormatError.code == "ENOEXEC")
        #expect(Errno(rawValue: 4095).code == "E4095")
    }
}
