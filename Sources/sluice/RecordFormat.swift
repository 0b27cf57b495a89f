import SluiceWire

/// How `sluice consume` prints a record, as Kafka's console consumer does: optional
/// `Partition:P\tOffset:O\t` prefix, optional key and TAB, then the value; null prints `null`.
struct RecordFormat {
    let printOffset: Bool
    let printKey: Bool

    /// Appends one record's line to `output`.
    func write(_ record: Record, partition: Int32, to output: inout OutputBuffer) {
        if printOffset {
            output.append("Partition:\(partition)\tOffset:\(record.offset)\t")
        }
        if printKey {
            Self.write(record.key, to: &output)
            output.append(byte: UInt8(ascii: "\t"))
        }
        Self.write(record.value, to: &output)
        output.append(byte: UInt8(ascii: "\n"))
    }

    private static func write(_ bytes: [UInt8]?, to output: inout OutputBuffer) {
        if let bytes {
            output.append(bytes)
        } else {
            output.append("null")
        }
    }
}
