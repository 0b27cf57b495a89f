import SluiceWire

/// Where a walk over a segment's batches stopped: at `end` when every batch checked out, else at the
/// first batch that did not (torn, corrupt, or breaking the offset chain), with the reason.
struct BatchWalkEnd: Sendable, Hashable {
    var position: Int
    var problem: String?
}

/// Walks the batches of a segment file through a `FileWindow`, header by header.
enum BatchWalk {
    /// Reads batches from `position` up to the window's end, calling `body(header, position)` for each
    /// batch that passes; `body` returns false to stop. With `validate`, each batch is checked whole
    /// (length, magic, record count, CRC-32C); without, only its header. `expectedBaseOffset` starts an
    /// offset chain: each batch must begin where the previous ended (the base offset lies outside the CRC).
    static func walk(
        _ window: FileWindow, from position: Int, expectedBaseOffset: Int64?, validate: Bool,
        body: (RecordBatchHeader, Int) throws(StorageError) -> Bool
    ) throws(StorageError) -> BatchWalkEnd {
        var position = position
        var expected = expectedBaseOffset
        // Bound: every pass advances `position` by at least a header, and stops at the window's end.
        while position < window.fileEnd {
            let checked = try check(window, at: position, validate: validate)
            guard case .success(let header) = checked else {
                guard case .failure(let problem) = checked else { preconditionFailure("unreachable") }
                return BatchWalkEnd(position: position, problem: "\(window.file.path) at byte \(position): \(problem)")
            }
            if let expected, header.baseOffset != expected {
                let problem = "batch offset \(header.baseOffset), expected \(expected)"
                return BatchWalkEnd(position: position, problem: "\(window.file.path) at byte \(position): \(problem)")
            }
            assert(header.totalSize >= RecordBatchHeader.size)
            guard try body(header, position) else { return BatchWalkEnd(position: position, problem: nil) }
            expected = header.nextOffset
            position += header.totalSize
        }
        assert(position == window.fileEnd)
        return BatchWalkEnd(position: position, problem: nil)
    }

    /// Checks the batch at `position`: its header and length always, the whole batch with `validate`.
    private static func check(
        _ window: FileWindow, at position: Int, validate: Bool
    ) throws(StorageError) -> Result<RecordBatchHeader, BatchProblem> {
        let available = window.fileEnd - position
        guard let headerBytes = try window.bytes(at: position, count: min(RecordBatchHeader.size, available)),
            let header = RecordBatchHeader(parsing: headerBytes)
        else { return .failure(.truncated(available: available, needed: RecordBatchHeader.size)) }
        guard header.batchLength >= RecordBatchHeader.minimumBatchLength else {
            return .failure(.badLength(header.batchLength))
        }
        guard header.totalSize <= available else {
            return .failure(.truncated(available: available, needed: header.totalSize))
        }
        if validate {
            guard let batch = try window.bytes(at: position, count: header.totalSize) else {
                return .failure(.truncated(available: available, needed: header.totalSize))
            }
            return RecordBatchHeader.validate(batch)
        }
        guard RecordBatchHeader.isStoredMagic(header.magic) else { return .failure(.badMagic(header.magic)) }
        guard header.recordCount >= 1, Int64(header.recordCount) == Int64(header.lastOffsetDelta) + 1 else {
            return .failure(.badRecordCount(count: header.recordCount, lastOffsetDelta: header.lastOffsetDelta))
        }
        return .success(header)
    }
}
