extension ConfigValues {
    /// The `int` value of `name`; traps if it is unset or not an `int` key.
    public func int(_ name: String) -> Int {
        guard let value = intIfSet(name) else { preconditionFailure("\(name) has no value") }
        return value
    }

    /// The `int` value of `name`, or `nil` when unset.
    public func intIfSet(_ name: String) -> Int? {
        switch self[name] {
        case .none: return nil
        case .int(let value): return value
        case .some(let other): preconditionFailure("\(name) is \(other.type), not int")
        }
    }

    /// The `long` value of `name`; traps if it is unset or not a `long` key.
    public func long(_ name: String) -> Int64 {
        guard let value = longIfSet(name) else { preconditionFailure("\(name) has no value") }
        return value
    }

    /// The `long` value of `name`, or `nil` when unset.
    public func longIfSet(_ name: String) -> Int64? {
        switch self[name] {
        case .none: return nil
        case .long(let value): return value
        case .some(let other): preconditionFailure("\(name) is \(other.type), not long")
        }
    }

    /// The `double` value of `name`; traps if it is unset or not a `double` key.
    public func double(_ name: String) -> Double {
        guard case .double(let value) = self[name] else { preconditionFailure("\(name) is not a set double") }
        return value
    }

    /// The `boolean` value of `name`; traps if it is unset or not a `boolean` key.
    public func boolean(_ name: String) -> Bool {
        guard case .boolean(let value) = self[name] else { preconditionFailure("\(name) is not a set boolean") }
        return value
    }

    /// The `string` value of `name`; traps if it is unset or not a `string` key.
    public func string(_ name: String) -> String {
        guard let value = stringIfSet(name) else { preconditionFailure("\(name) has no value") }
        return value
    }

    /// The `string` value of `name`, or `nil` when unset.
    public func stringIfSet(_ name: String) -> String? {
        switch self[name] {
        case .none: return nil
        case .string(let value): return value
        case .some(let other): preconditionFailure("\(name) is \(other.type), not string")
        }
    }

    /// The `list` value of `name`; traps if it is unset or not a `list` key.
    public func list(_ name: String) -> [String] {
        guard let value = listIfSet(name) else { preconditionFailure("\(name) has no value") }
        return value
    }

    /// The `list` value of `name`, or `nil` when unset.
    public func listIfSet(_ name: String) -> [String]? {
        switch self[name] {
        case .none: return nil
        case .list(let value): return value
        case .some(let other): preconditionFailure("\(name) is \(other.type), not list")
        }
    }

    /// The `password` value of `name` in clear; traps if it is unset or not a `password` key.
    public func password(_ name: String) -> String {
        guard case .password(let value) = self[name] else { preconditionFailure("\(name) is not a set password") }
        return value
    }
}
