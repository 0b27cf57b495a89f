/// Edit distance for "did you mean" suggestions on unknown keys: Levenshtein plus adjacent
/// transpositions (optimal string alignment), since `nmae` for `name` is one slip, not two.
enum EditDistance {
    /// The number of single-scalar insertions, deletions, substitutions and adjacent swaps that turn
    /// `source` into `target`. O(source × target) time, O(target) memory.
    static func between(_ source: [Unicode.Scalar], _ target: [Unicode.Scalar]) -> Int {
        guard !source.isEmpty else { return target.count }
        guard !target.isEmpty else { return source.count }
        var beforePrevious = [Int](repeating: 0, count: target.count + 1)
        var previous = Array(0...target.count)
        var current = [Int](repeating: 0, count: target.count + 1)
        for sourceIndex in source.indices {
            current[0] = sourceIndex + 1
            for targetIndex in target.indices {
                let isSame = source[sourceIndex] == target[targetIndex]
                var best = min(
                    previous[targetIndex] + (isSame ? 0 : 1),  // substitution
                    previous[targetIndex + 1] + 1,  // deletion
                    current[targetIndex] + 1  // insertion
                )
                let isSwap =
                    sourceIndex > 0 && targetIndex > 0 && source[sourceIndex] == target[targetIndex - 1]
                    && source[sourceIndex - 1] == target[targetIndex]
                if isSwap {
                    best = min(best, beforePrevious[targetIndex - 1] + 1)
                }
                current[targetIndex + 1] = best
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        let distance = previous[target.count]
        assert(distance <= max(source.count, target.count), "distance bounded by the longer string")
        return distance
    }
}
