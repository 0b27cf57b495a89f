/// One series, or one group of series, per value of a closed label set — every `acks`, every `reason`,
/// every gateway status code — all made at init, so each exists zero-valued before its first update (rates
/// and absence alerts work at once), and found by the label's value without a registry lookup.
///
/// A value outside the set is a bug: the set is part of the metric's declaration, and a made-up label value
/// must not grow the exposition.
public struct LabelledSeries<Label: Hashable & Sendable, Series: Sendable>: Sendable {
    private let series: [Label: Series]

    /// Makes the series of every value of `labels` with `make`; a value given twice is a bug.
    public init(_ labels: some Sequence<Label>, make: (Label) -> Series) {
        var series: [Label: Series] = [:]
        for label in labels {
            let previous = series.updateValue(make(label), forKey: label)
            precondition(previous == nil, "label value \(label) declared twice")
        }
        precondition(!series.isEmpty, "a labelled series without label values")
        self.series = series
    }

    /// The series of `label`, which must be one of the values given at init.
    public subscript(_ label: Label) -> Series {
        guard let found = series[label] else {
            preconditionFailure("no series declared for label value \(label)")
        }
        return found
    }

    /// How many label values have series.
    public var count: Int { series.count }
}

extension LabelledSeries where Label: CaseIterable {
    /// Makes the series of every case of `Label`.
    public init(make: (Label) -> Series) {
        self.init(Label.allCases, make: make)
    }
}
