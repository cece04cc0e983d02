import ChildProcess
import Glibc
import Testing
@testable import CPL

@Suite("Users from /etc/passwd")
struct UserDatabaseTests {
    @Test func parsesPasswdLines() {
        let contents: [UInt8] = Array("""
            # a comment:x:0:0::/nowhere:/bin/sh
            root:x:0:0:root:/root:/bin/bash

            +nisuser::::::
            short:x:1:1
            bad:x:notanumber:1::/bad:/bin/sh
            alice:x:1000:1000:Alice,,,:/home/alice:/bin/zsh
            alice:x:1001:1001::/home/second:/bin/sh
            """.utf8) + Array("\nraw:x:1002:1002::/home/r".utf8) + [0xFF] + Array(":/bin/sh\n".utf8)
        let accounts = UserDatabase.accounts(parsing: contents)
        #expect(accounts.map(\.name) == ["root", "alice", "alice", "raw"])
        #expect(accounts.map(\.userID) == [0, 1000, 1001, 1002])
        #expect(accounts[1].homeDirectory == "/home/alice")
        #expect(accounts[3].homeDirectory.losslessBytes == Array("/home/r".utf8) + [0xFF])
    }

    @Test func lookupsTakeTheFirstMatchAndMissNothingElse() throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        createFile(directory + "/passwd", "a:x:5:5::/first:/bin/sh\nb:x:5:5::/second:/bin/sh\na:x:6:6::/third:/bin/sh\n")
        let path = directory + "/passwd"
        #expect(UserDatabase.account(named: "a", in: path)?.homeDirectory == "/first")
        #expect(UserDatabase.account(userID: 5, in: path)?.name == "a")
        #expect(UserDatabase.account(userID: 6, in: path)?.homeDirectory == "/third")
        #expect(UserDatabase.account(named: "nobody-here", in: path) == nil)
        #expect(UserDatabase.account(named: "a", in: directory + "/missing") == nil)
    }

    /// The test binary is dynamic, so glibc's NSS answers too: both must agree for every local user.
    @Test func agreesWithGetpwnamForLocalUsers() throws {
        let accounts = UserDatabase.accounts(in: UserDatabase.defaultPath)
        try #require(!accounts.isEmpty)
        for account in accounts {
            let entry = try #require(getpwnam(account.name), "\(account.name)")
            #expect(String(losslessCString: entry.pointee.pw_dir) == HomeDirectory.lookup(user: account.name))
        }
        #expect(HomeDirectory.lookup(user: "no-such-user-for-cpl") == nil)
    }
}
