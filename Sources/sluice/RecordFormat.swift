import SluiceWire

/// How `sluice consume` prints a record, in the order Kafka's console consumer (`DefaultMessageFormatter`) does:
/// optional `CreateTime:T\t`, optional `Partition:P\tOffset:O\t`, optional headers (`k:v,k2:v2`, `NO_HEADERS`
/// when none) and TAB, optional key and TAB, then the value; null prints `null`.
struct RecordFormat {
    let printOffset: Bool
    let printKey: Bool
    var printTimestamp = false
    var printHeaders = false

    /// Appends one record's line to `output`.
    func write(_ record: Record, partition: Int32, to output: inout OutputBuffer) {
        if printTimestamp {
            output.append("CreateTime:\(record.timestamp)\t")
        }
        if printOffset {
            output.append("Partition:\(partition)\tOffset:\(record.offset)\t")
        }
        if printHeaders {
            if record.headers.isEmpty { output.append("NO_HEADERS") }
            for (index, header) in record.headers.enumerated() {
                if index > 0 { output.append(byte: UInt8(ascii: ",")) }
                output.append(header.key)
                output.append(byte: UInt8(ascii: ":"))
                Self.write(header.value, to: &output)
            }
            output.append(byte: UInt8(ascii: "\t"))
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
