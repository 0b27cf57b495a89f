extension PartitionLogState {
    /// The segments holding offsets at or above `offset` (clamped to the log start offset) up to the log end
    /// offset, each with where to start reading and where its committed bytes end. Empty at or past the LEO.
    func planHeaderScan(from offset: Int64) throws(StorageError) -> [SegmentScan] {
        guard !isClosed else { throw Self.closedError(directory) }
        let start = max(offset, logStartOffset)
        guard start < logEndOffset else { return [] }
        let first = segmentIndex(containing: start)
        var scans: [SegmentScan] = []
        scans.reserveCapacity(segments.count - first)
        for index in first..<segments.count {
            let segment = segments[index]
            let position = index == first ? segment.indexedPosition(atOrBefore: start) : 0
            scans.append(SegmentScan(file: segment.log, startPosition: position, endPosition: segment.sizeBytes))
        }
        assert(scans.count >= 1, "an offset below the LEO lies in some segment")
        return scans
    }
}
