/// The label values of the metrics labelled by topic or by topic and partition, checked once where a handle
/// is made: an empty topic name or a negative partition is a caller's bug, not a series to expose.
public enum MetricLabels {
    /// `[topic]`, for a metric labelled `topic`.
    public static func topic(_ topic: String) -> [String] {
        precondition(!topic.isEmpty, "metric labels for an empty topic name")
        return [topic]
    }

    /// `[topic, partition]`, for a metric labelled `topic`, `partition`.
    public static func partition(topic: String, partition: Int32) -> [String] {
        precondition(partition >= 0, "metric labels for negative partition \(partition)")
        return Self.topic(topic) + [String(partition)]
    }
}
