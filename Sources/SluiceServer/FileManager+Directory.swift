import Foundation

extension FileManager {
    /// Creates `path` and its parents if missing; a clear error if it cannot.
    static func createDirectory(_ path: String) throws {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw ServerStartError("cannot create log directory \(path): \(error.localizedDescription)")
        }
    }
}
