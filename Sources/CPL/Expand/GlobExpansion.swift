#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension GlobPattern {
    /// Pathname expansion, following dash's `expmeta`.
    ///
    /// Relative patterns are resolved against `directory` (the interpreter's
    /// working directory, not the process's) but returned relative, keeping
    /// the pattern's own form (`./*` gives `./a`, `../x/*` gives `../x/a`,
    /// `a//*` gives `a//b`); absolute patterns are returned absolute.
    ///
    /// - Only segments with wildcards are read with `readdir`; literal
    ///   segments are appended as written. A literal tail (including a
    ///   trailing `/`) is checked with `lstat`, so `*/` yields only
    ///   directories (and symlinks to directories), each ending in `/`, and a
    ///   broken symlink is matched by name.
    /// - Symlinks to directories are descended; directories that cannot be
    ///   opened are skipped silently.
    /// - A name starting with `.` (including `.` and `..`, which readdir
    ///   returns) matches only if the segment pattern starts with a `.`.
    /// - Results are sorted by their bytes (`strcmp`, like LC_ALL=C), across
    ///   the whole list of paths.
    ///
    /// File names that are not valid UTF-8 are returned as lossless strings
    /// (see LosslessBytes.swift), so every result still names its file.
    ///
    /// - Returns: The sorted matches, or nil when the pattern has no wildcards
    ///   or nothing matches (the caller then keeps `literalText`).
    public func expand(in directory: String, fileSystem: FileSystem = .system) -> [String]? {
        guard hasWildcards else { return nil }
        var walker = GlobWalker(segments: segments, baseDirectory: directory.losslessBytes, fileSystem: fileSystem)
        walker.walk(from: 0, prefix: [])
        guard !walker.matches.isEmpty else { return nil }
        return walker.matches
            .sorted { $0.lexicographicallyPrecedes($1) }
            .map { String(losslessBytes: $0) }
    }
}

/// The directory walk behind `GlobPattern.expand(in:)`. Paths are kept as
/// bytes so that names which are not valid UTF-8 survive until the end.
struct GlobWalker {
    let segments: [GlobSegment]
    let baseDirectory: [UInt8]
    let fileSystem: FileSystem
    private(set) var matches: [[UInt8]] = []

    init(segments: [GlobSegment], baseDirectory: [UInt8], fileSystem: FileSystem) {
        self.segments = segments
        self.baseDirectory = baseDirectory
        self.fileSystem = fileSystem
    }

    private static let slash = UInt8(ascii: "/")

    /// Expands `segments[index...]` below `prefix`, which is empty or ends in `/`.
    mutating func walk(from index: Int, prefix: [UInt8]) {
        guard let wildcardIndex = segments[index...].firstIndex(where: \.hasWildcards) else {
            // No wildcard left: the rest is a literal path that must exist.
            var path = prefix
            for literalIndex in index..<segments.count {
                if literalIndex > index { path.append(Self.slash) }
                path += segments[literalIndex].literalBytes
            }
            if exists(path) { matches.append(path) }
            return
        }
        var directoryPath = prefix
        for literalIndex in index..<wildcardIndex {
            directoryPath += segments[literalIndex].literalBytes
            directoryPath.append(Self.slash)
        }
        let segment = segments[wildcardIndex]
        let isLast = wildcardIndex == segments.count - 1
        var descendInto: [[UInt8]] = []
        for name in entries(of: directoryPath) {
            let characters = GlobSegment.characters(ofFileName: name)
            guard segment.matchesFileName(characters[...]) else { continue }
            if isLast {
                matches.append(directoryPath + name)
            } else {
                descendInto.append(directoryPath + name + [Self.slash])
            }
        }
        for path in descendInto {
            walk(from: wildcardIndex + 1, prefix: path)
        }
    }

    /// The path to hand to the system: relative paths are taken relative to `baseDirectory`.
    private func systemPath(_ path: [UInt8]) -> [UInt8] {
        if path.first == Self.slash || baseDirectory.isEmpty {
            return path.isEmpty ? Array(".".utf8) : path
        }
        if path.isEmpty { return baseDirectory }
        if baseDirectory.last == Self.slash { return baseDirectory + path }
        return baseDirectory + [Self.slash] + path
    }

    private func exists(_ path: [UInt8]) -> Bool {
        (try? fileSystem.status(String(losslessBytes: systemPath(path)), false)) != nil
    }

    /// Every entry name (including `.` and `..`); empty if the directory
    /// cannot be read.
    private func entries(of path: [UInt8]) -> [[UInt8]] {
        ((try? fileSystem.directoryEntries(String(losslessBytes: systemPath(path)))) ?? []).map(\.losslessBytes)
    }
}
