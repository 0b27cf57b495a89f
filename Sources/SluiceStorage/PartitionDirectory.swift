import Glibc

/// File-system steps on the partition directory itself: create it, list it, fsync it.
enum PartitionDirectory {
    /// `mkdir -p`, fsyncing each parent whose entry was created so the directory survives a crash.
    static func create(_ path: String) throws(StorageError) {
        precondition(!path.isEmpty, "partition directory path must not be empty")
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            let parent = prefix.isEmpty ? "/" : prefix
            prefix += "/\(component)"
            guard mkdir(prefix, 0o755) == 0 else {
                guard errno == EEXIST else { throw StorageError.fromErrno("mkdir", prefix) }
                continue
            }
            try FileDescriptor.openDirectory(parent).sync()
        }
    }

    /// The names in `path`, without `.` and `..`.
    static func list(_ path: String) throws(StorageError) -> [String] {
        guard let stream = opendir(path) else { throw StorageError.fromErrno("opendir", path) }
        defer { closedir(stream) }
        var names: [String] = []
        // Bound: readdir returns each entry of the directory once, then nil.
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                    String(cString: $0)
                }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Unlinks `path`; a file already gone is fine.
    static func removeFile(_ path: String) throws(StorageError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw StorageError.fromErrno("unlink", path) }
    }
}
