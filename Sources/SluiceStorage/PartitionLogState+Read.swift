extension PartitionLogState {
    /// Checks `offset` and captures where to read it; nil when the answer is empty. `maxBytes` picks the
    /// plan's `jumpPosition` (file-range reads skip the batches before it unread).
    func planRead(_ offset: Int64, _ maxOffset: Int64, maxBytes: Int) throws(ReadError) -> ReadPlan? {
        guard !isClosed else { throw .logClosed }
        guard offset >= logStartOffset, offset <= logEndOffset else {
            throw .offsetOutOfRange(offset: offset, logStartOffset: logStartOffset, logEndOffset: logEndOffset)
        }
        let limitOffset = min(maxOffset, logEndOffset)
        guard offset < limitOffset else { return nil }
        let segment = segments[segmentIndex(containing: offset)]
        assert(offset < segment.nextOffset, "an offset below the LEO lies inside its segment")
        let scanPosition = segment.indexedPosition(atOrBefore: offset)
        return ReadPlan(
            file: segment.log, scanPosition: scanPosition,
            jumpPosition: segment.indexedBatchStart(
                atOrBefore: scanPosition + max(0, maxBytes), lastOffsetBelow: limitOffset),
            endPosition: segment.sizeBytes,
            offset: offset, limitOffset: limitOffset, generation: generation)
    }
}
