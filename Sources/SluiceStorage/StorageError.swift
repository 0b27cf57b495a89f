import Glibc

/// A failed file operation: the system call, the file, and the errno it returned.
///
/// Disk errors (ENOSPC, EIO, EROFS…) are expected failures, never crashes: the partition answers
/// KAFKA_STORAGE_ERROR and stays consistent (a failed append is cut back off the file).
public struct StorageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The system call or step that failed, e.g. `pwrite`, `fsync`.
    public let operation: String
    /// The file or directory it acted on.
    public let path: String
    /// The errno, or 0 when the failure is not a system call's (then `detail` says what).
    public let errorNumber: Int32
    /// Extra words, e.g. why a file's contents were refused.
    public let detail: String

    /// Memberwise; `errorNumber` 0 when no system call failed.
    public init(operation: String, path: String, errorNumber: Int32, detail: String = "") {
        self.operation = operation
        self.path = path
        self.errorNumber = errorNumber
        self.detail = detail
    }

    /// The errno's text, e.g. "No space left on device".
    public var errorText: String {
        guard errorNumber != 0, let text = strerror(errorNumber) else { return "" }
        return String(cString: text)
    }

    /// `operation path: errno text (errno n): detail`.
    public var description: String {
        var parts = "\(operation) \(path)"
        if errorNumber != 0 { parts += ": \(errorText) (errno \(errorNumber))" }
        if !detail.isEmpty { parts += ": \(detail)" }
        return parts
    }

    /// Builds the error from the current `errno`.
    static func fromErrno(_ operation: String, _ path: String) -> StorageError {
        StorageError(operation: operation, path: path, errorNumber: errno)
    }
}
