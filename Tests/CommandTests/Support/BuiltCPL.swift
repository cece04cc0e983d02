import ChildProcess
import Glibc

/// The `cpl` that every test of this target runs: `$CPL_BIN` when set, else the `cpl` that
/// `swift build` puts next to the test bundle (the tests never build anything themselves).
enum BuiltCPL {
    struct Missing: Error, CustomStringConvertible {
        var description: String { BuiltCPL.missingMessage }
    }

    /// nil when there is no executable `cpl` there (`missingMessage` says where it was looked for).
    static let path: String? = {
        if let override = getenv("CPL_BIN").map({ String(losslessCString: $0) }), !override.isEmpty {
            return isExecutableFile(override) ? override : nil
        }
        // Some layouts put the bundle's executable inside a .xctest directory.
        var directory = bundleDirectory
        for _ in 0..<3 {
            let candidate = directory + "/cpl"
            if isExecutableFile(candidate) { return candidate }
            directory = parent(of: directory)
        }
        return nil
    }()

    /// `path`, or an error that says how to get one.
    static func required() throws(Missing) -> String {
        guard let path else { throw Missing() }
        return path
    }

    /// The release build's `cpl` (`scripts/build-release`, which `.ci/run` does) beside the
    /// debug one: static, so it answers `~user` without glibc's NSS modules.
    static let releasePath: String? = path.map { parent(of: parent(of: $0)) + "/release/cpl" }.flatMap {
        isExecutableFile($0) ? $0 : nil
    }

    static var missingMessage: String {
        if let override = getenv("CPL_BIN").map({ String(losslessCString: $0) }), !override.isEmpty {
            return "CPL_BIN=\(override) is not an executable file"
        }
        return "no executable `cpl` next to the test bundle in \(bundleDirectory): run `swift build` "
            + "before `swift test`, or set CPL_BIN"
    }

    /// The directory of this test process's executable.
    private static var bundleDirectory: String {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = buffer.withUnsafeMutableBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { readlink("/proc/self/exe", $0.baseAddress!, $0.count - 1) }
        }
        return parent(of: String(losslessBytes: buffer.prefix(max(count, 0))))
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        let found = path.withLosslessCString { stat($0, &info) == 0 && access($0, X_OK) == 0 }
        return found && (info.st_mode & S_IFMT) == S_IFREG
    }
}
