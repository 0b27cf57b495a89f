import SluiceWire

/// One change to the metadata, as a watch delivers it.
public enum MetadataChange: Sendable, Hashable {
    case brokerRegistered(BrokerInfo)
    case brokerDeregistered(brokerId: Int32)
    case topicCreated(TopicState)
    case topicDeleted(name: String)
    /// A partition's new state; its `version` is the revision of this change.
    case partitionChanged(topic: String, state: PartitionState)
    /// The controller now (nil: none; campaign).
    case controllerChanged(ControllerInfo?)
}

/// A change and the store revision it was committed at.
public struct MetadataEvent: Sendable, Hashable {
    public var revision: Int64
    public var change: MetadataChange

    public init(revision: Int64, change: MetadataChange) {
        self.revision = revision
        self.change = change
    }
}

/// What a watch yields.
public enum MetadataWatchEvent: Sendable, Hashable {
    case change(MetadataEvent)
    /// The asked revision was compacted (the oldest kept is `oldestRevision`): re-list with `snapshot()`, then
    /// watch from its revision + 1. The stream finishes after this.
    case compacted(oldestRevision: Int64)
}
