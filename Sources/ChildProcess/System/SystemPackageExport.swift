// `FileDescriptor`, `Errno` and `FilePath` in this library's public API are swift-system's, so a
// program that also imports `SystemPackage` (swift-subprocess and SwiftNIO users) sees one type
// for each, not two that clash. Re-exported so that `import ChildProcess` stays enough.
@_exported import SystemPackage
