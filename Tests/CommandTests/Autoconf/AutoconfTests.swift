// Real sh scripts under POSIX mode: autoconf `configure` scripts generated at test time from
// demo/configure.ac (AC_PROG_CC, AC_CHECK_HEADERS, AC_CHECK_FUNCS, AC_ARG_ENABLE, AC_ARG_WITH,
// AC_CONFIG_HEADERS, AC_CONFIG_FILES) and more/configure.ac (AC_CHECK_LIB, AC_SEARCH_LIBS,
// AC_CHECK_SIZEOF, AC_CHECK_TYPES, AC_C_BIGENDIAN, AC_CHECK_DECLS, AC_CONFIG_COMMANDS, a
// subdirectory) run under dash and under `cpl --posix`, each in a fresh
// copy, and both must exit alike, print alike and leave the same files (config.h, Makefile,
// config.status, config.log…), with the paths of the run's directory and of the shell made equal
// (all but dash's configure.lineno: see below).
// CONFIG_SHELL is set, so configure re-executes itself, and config.status runs, under the shell
// being tested (for cpl: a `sh` symlink to it, which starts in POSIX mode by its name).
//
// Needs autoconf and autoheader (Debian: `apt-get install autoconf`; .ci/run installs it).

import Foundation
import Testing

@Suite("autoconf configure: cpl --posix vs dash", .serialized,
       .enabled(if: AutoconfFixture.toolsFound, "needs autoconf and autoheader in /usr/bin"))
struct AutoconfTests {
    struct Scenario: Sendable, CustomTestStringConvertible {
        var project: String
        var arguments: [String]
        var testDescription: String { ([project + "/configure"] + arguments).joined(separator: " ") }
    }

    /// The runs: the defaults, options with values, a failing check, the help text.
    static let scenarios = [
        Scenario(project: "demo", arguments: []),
        Scenario(project: "demo", arguments: ["--enable-foo=bar", "--with-bar=/opt/bar", "--prefix=/opt/demo"]),
        Scenario(project: "demo", arguments: ["--enable-strict"]),
        Scenario(project: "demo", arguments: ["--help"]),
        Scenario(project: "more", arguments: []),
    ]

    @Test("configure agrees with dash", arguments: scenarios)
    func configureAgrees(_ scenario: Scenario) throws {
        let cpl = try BuiltCPL.required()
        let arguments = scenario.arguments
        let generated = AutoconfFixture.generate(scenario.project)
        let fixture = try #require(generated.directory, "autoconf failed: \(generated.log)")
        defer { ShellRunner.removeTree(fixture) }
        let shells = try #require(AutoconfFixture.shLink(to: cpl))
        defer { ShellRunner.removeTree(shells) }

        let dash = AutoconfFixture.configure(in: fixture, runner: "/bin/dash", configShell: "/bin/dash", arguments)
        let posix = AutoconfFixture.configure(
            in: fixture, runner: "'\(cpl)' --posix", configShell: shells + "/sh", arguments)

        // config.log names the shell that ran configure (and config.status starts with it): proof
        // that cpl ran it all after the re-execution.
        if arguments != ["--help"] {
            #expect(posix.files.contains { $0.hasPrefix("f config.log") && $0.contains("SHELL='\(shells)/sh'") },
                    "config.log does not say that configure ran under \(shells)/sh")
        }
        if arguments.isEmpty {
            #expect(posix.files.contains { $0.hasPrefix("f config.status") && $0.contains("\"#! \(shells)/sh") })
        }
        let (d, c) = (AutoconfFixture.normalized(dash, shell: "/bin/dash"), AutoconfFixture.normalized(posix, shell: shells + "/sh"))
        #expect(d.termination == c.termination, "exit: dash \(d.termination), cpl --posix \(c.termination)\n\(c.stderr)")
        if arguments == ["--enable-strict"] { #expect(d.termination == .exited(1)) } else { #expect(d.termination == .exited(0)) }
        #expect(d.stdout == c.stdout)
        #expect(d.stderr == c.stderr)
        // A shell without $LINENO (dash 0.5.12) makes configure rewrite itself into
        // configure.lineno, each `$LINENO` replaced by the line it is on, and run that. cpl has
        // LINENO, with the same numbers, so configure runs as it is and writes no such file.
        #expect(!c.files.contains { $0.hasPrefix("f configure.lineno ") }, "cpl --posix: configure found no LINENO")
        let dashFiles = d.files.filter { !$0.hasPrefix("f configure.lineno ") }
        let onlyDash = dashFiles.filter { file in !c.files.contains { AutoconfFixture.agree(dash: file, cpl: $0) } }
        let onlyCPL = c.files.filter { file in !dashFiles.contains { AutoconfFixture.agree(dash: $0, cpl: file) } }
        #expect(onlyDash.isEmpty && onlyCPL.isEmpty, "files differ:\n only dash: \(onlyDash)\n only cpl --posix: \(onlyCPL)")
    }
}

enum AutoconfFixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path

    static var toolsFound: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/autoconf")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/autoheader")
    }

    /// A new directory with the project, its `configure` and `config.h.in`; nil if autoconf
    /// failed (`log` says why).
    static func generate(_ project: String) -> (directory: String?, log: String) {
        guard let directory = temporaryDirectory("cpl-autoconf-") else { return (nil, "no temporary directory") }
        let result = ShellRunner.run(
            Shells.dash, script: "cp -R \"$1\"/. . && autoconf && autoheader && rm -rf autom4te.cache && cp -R . \"$2\"",
            arg0: "generate", args: [folder + "/" + project, directory], stdin: nil, timeout: 300)
        guard result.termination == .exited(0) else { return (nil, "\(result.termination): \(result.stderr)") }
        return (directory, "")
    }

    /// A directory holding `sh`, a symlink to `cpl`.
    static func shLink(to cpl: String) -> String? {
        guard let directory = temporaryDirectory("cpl-sh-"),
              (try? FileManager.default.createSymbolicLink(atPath: directory + "/sh", withDestinationPath: cpl)) != nil
        else { return nil }
        return directory
    }

    /// Runs `runner ./configure arguments…` with CONFIG_SHELL in a fresh copy of the fixture.
    static func configure(in fixture: String, runner: String, configShell: String, _ arguments: [String]) -> ShellResult {
        let script = """
            cp -R "$1"/. . || exit 99
            CONFIG_SHELL=$2; export CONFIG_SHELL
            shift 2
            \(runner) ./configure "$@"
            """
        return ShellRunner.run(
            Shells.dash, script: script, arg0: "configure", args: [fixture, configShell] + arguments, stdin: nil, timeout: 600)
    }

    /// The run with the shell's path as `$CONFIG_SHELL`, the compiler's temporary object names
    /// (`/tmp/ccAbC123.o`, in config.log) and the lines config.status names in config.log made
    /// equal: config.status is written from configure's text, with its `$LINENO`s substituted
    /// when that text is configure.lineno's (see `agree(dash:cpl:)`).
    static func normalized(_ result: ShellResult, shell: String) -> ShellResult {
        func clean(_ text: String) -> String {
            text.replacingOccurrences(of: shell, with: "$CONFIG_SHELL")
                .replacingOccurrences(of: #"/tmp/cc[A-Za-z0-9]{6}\.o"#, with: "/tmp/ccXXXXXX.o", options: .regularExpression)
                .replacingOccurrences(of: #"config\.status:[0-9]+:"#, with: "config.status:N:", options: .regularExpression)
        }
        var result = result
        result.stdout = clean(result.stdout)
        result.stderr = clean(result.stderr)
        result.files = result.files.map(clean)
        return result
    }

    /// Whether a file of dash's run is the same file of cpl's, but for a `$LINENO` of cpl's that
    /// may be written as a number in dash's: the files configure writes from its own text (config.status)
    /// have them substituted when that text is configure.lineno's.
    static func agree(dash: String, cpl: String) -> Bool {
        var rest = dash[...]
        let pieces = cpl.components(separatedBy: "$LINENO")
        for (index, piece) in pieces.enumerated() {
            guard rest.hasPrefix(piece) else { return false }
            rest = rest.dropFirst(piece.count)
            guard index < pieces.count - 1 else { break }
            let digits = rest.hasPrefix("$LINENO") ? "$LINENO" : rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { return false }
            rest = rest.dropFirst(digits.count)
        }
        return rest.isEmpty
    }

    private static func temporaryDirectory(_ prefix: String) -> String? {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(prefix + UUID().uuidString).path
        return (try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)) != nil ? path : nil
    }
}
