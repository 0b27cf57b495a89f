extension Dictionary {
    /// The value for `key`, inserting `make()` first when absent: the get-or-create of every metric handle
    /// map (partitions, topics, brokers), called inside the map's lock.
    mutating func value(forKey key: Key, insertingIfAbsent make: () -> Value) -> Value {
        if let existing = self[key] { return existing }
        let created = make()
        self[key] = created
        return created
    }
}
