import Glibc

/// Every entry name of the directory at `path` as raw bytes (including `.`
/// and `..`); empty if it cannot be opened.
func directoryEntryNames(at path: UnsafePointer<CChar>) -> [[UInt8]] {
    guard let directory = opendir(path) else { return [] }
    defer { closedir(directory) }
    var names: [[UInt8]] = []
    while let entry = readdir(directory) {
        names.append(withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) })
    }
    return names
}
