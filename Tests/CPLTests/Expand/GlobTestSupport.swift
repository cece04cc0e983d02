#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ChildProcess
@testable import CPL

/// Helpers shared by the glob tests: a tiny shell-word reader (so one source
/// text feeds both dash and `GlobPattern`), dash invocation, and fixtures.
enum GlobTestSupport {
    /// Splits a single shell word into pieces the way the word expander will:
    /// `'…'`, `"…"` (no expansions) and `\c` are quoted, everything else is not.
    static func pieces(ofShellWord word: String) -> [GlobPiece] {
        var pieces: [GlobPiece] = []
        func add(_ character: Character, quoted: Bool) {
            if let last = pieces.last, last.isQuoted == quoted {
                pieces[pieces.count - 1].text.append(character)
            } else {
                pieces.append(GlobPiece(String(character), isQuoted: quoted))
            }
        }
        var characters = word.makeIterator()
        while let character = characters.next() {
            switch character {
            case "\\":
                if let next = characters.next() { add(next, quoted: true) }
            case "'":
                while let next = characters.next(), next != "'" { add(next, quoted: true) }
            case "\"":
                while let next = characters.next(), next != "\"" {
                    if next == "\\", let escaped = characters.next() {
                        if "$`\"\\".contains(escaped) {
                            add(escaped, quoted: true)
                        } else {
                            add("\\", quoted: true)
                            add(escaped, quoted: true)
                        }
                    } else {
                        add(next, quoted: true)
                    }
                }
            default:
                add(character, quoted: false)
            }
        }
        return pieces
    }

    static func string(fromCString characters: [CChar]) -> String {
        String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func pattern(_ shellWord: String) -> GlobPattern {
        GlobPattern(pieces: pieces(ofShellWord: shellWord))
    }

    /// Single-quotes `text` for the shell.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingAll("'", with: "'\\''") + "'"
    }

    struct CommandFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `script` with `/usr/bin/dash` (falling back to `dash` on PATH)
    /// and returns its standard output and exit status.
    static func runDash(_ script: String) throws -> (output: [UInt8], status: Int32) {
        var template = Array("/tmp/cpl-glob-script-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw CommandFailure(description: "mkstemp failed") }
        let scriptPath = string(fromCString: template)
        defer { unlink(scriptPath) }
        let bytes = script.losslessBytes
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else { throw CommandFailure(description: "write failed") }

        let dash = access("/usr/bin/dash", X_OK) == 0 ? "/usr/bin/dash" : "dash"
        guard let stream = popen("\(dash) \(shellQuoted(scriptPath))", "r") else {
            throw CommandFailure(description: "popen failed")
        }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, stream) }
            if count <= 0 { break }
            output += buffer[..<count]
        }
        let rawStatus = pclose(stream)
        let status: Int32 = (rawStatus & 0x7F) == 0 ? (rawStatus >> 8) & 0xFF : -1
        return (output, status)
    }

    /// Creates a fresh directory tree, passes its root to `body`, removes it.
    ///
    /// Layout (under `root`): plain files, dotfiles, names with spaces and
    /// `[`, `]`, `*`, `?`, `!`, `^`, nested directories, a symlink to a
    /// directory, a broken symlink, a symlink loop, a mode-000 directory and
    /// a directory `utf` holding UTF-8 (precomposed and decomposed) and
    /// non-UTF-8 names whose byte order differs from `String`'s order.
    static func withFixtureTree<Result>(_ body: (_ root: String) throws -> Result) throws -> Result {
        var template = Array("/tmp/cpl-glob-tree-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw CommandFailure(description: "mkdtemp failed")
        }
        let base = string(fromCString: template)
        let root = base + "/root"
        defer { _ = try? runDash("chmod -R u+rwx \(shellQuoted(base)); rm -rf \(shellQuoted(base))") }
        let setup = """
            set -e
            mkdir \(shellQuoted(root))
            cd \(shellQuoted(root))
            touch -- a b c.txt d.txt .hidden .h2.txt UPPER 1digit -dash x 'with space' '[x]' \
                'star*' 'q?' 'br[' ']' '!bang' '^caret' a-b.txt 'tab\tname'
            mkdir -p .dotdir dir1/sub dir2 'dir sp' a-b noread utf empty
            touch .dotdir/in dir1/x dir1/y.txt dir1/.h dir1/sub/deep1 dir1/sub/deep2 \
                dir2/x dir2/z 'dir sp/x' a-b/x noread/f
            ln -s dir1 linkdir
            ln -s nowhere broken
            ln -s loop loop
            ln -s nowhere dir1/dangling
            touch "utf/$(printf 'caf\\303\\251')" "utf/$(printf '\\377raw')" "utf/$(printf '\\200x')" \
                "utf/$(printf 'e\\314\\201')" utf/f utf/plain
            chmod 000 noread
            """
        let (_, status) = try runDash(setup)
        guard status == 0 else { throw CommandFailure(description: "fixture setup failed: \(status)") }
        return try body(root)
    }

    /// What dash prints for `for f in PATTERN; do printf '%s\0' "$f"; done`
    /// run in `directory`, decoded the way `GlobPattern.expand` decodes names.
    static func dashExpansion(of shellWord: String, in directory: String) throws -> [String] {
        let script = """
            cd \(shellQuoted(directory)) || exit 99
            for f in \(shellWord); do printf '%s\\0' "$f"; done
            """
        let (output, status) = try runDash(script)
        guard status == 0 else { throw CommandFailure(description: "dash exited with \(status)") }
        var fields = output.split(separator: 0, omittingEmptySubsequences: false)
        if fields.last?.isEmpty == true { fields.removeLast() }
        return fields.map { String(losslessBytes: $0) }
    }

    /// Whether dash's `case` statement matches `name` against `shellWord`.
    static func dashCaseMatches(_ name: String, _ shellWord: String) throws -> Bool {
        let script = "case \(shellQuoted(name)) in \(shellWord)) printf M;; *) printf N;; esac"
        let (output, _) = try runDash(script)
        switch output {
        case Array("M".utf8): return true
        case Array("N".utf8): return false
        default: throw CommandFailure(description: "unexpected dash output \(output)")
        }
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
