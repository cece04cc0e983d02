import Glibc

/// Every entry name of the directory at `path` as raw bytes (including `.`
/// and `..`); empty if it cannot be opened.
func directoryEntryNames(at path: UnsafePointer<CChar>) -> [[UInt8]] {
    guard let directory = opendir(path) else { return [] }
    defer { closedir(directory) }
    var names: [[UInt8]] = []
    // Only the name's own bytes are read: glibc sizes each record to its name, so loading the
    // whole 256-byte `d_name` field (`entry.pointee.d_name`) reads past the end of the record.
    let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
    while let entry = readdir(directory) {
        let name = UnsafeRawPointer(entry).advanced(by: nameOffset).assumingMemoryBound(to: UInt8.self)
        names.append(Array(UnsafeBufferPointer(start: name, count: strlen(name))))
    }
    return names
}
