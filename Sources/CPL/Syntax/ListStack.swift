/// The elements of lists being parsed, each list above the one it is nested in (a `$(…)` in a
/// word parses its own commands while the outer command's words are here). A list is taken off
/// when complete, moved into an array of its exact size: grown an element at a time, a
/// command's words were allocated three times (a tenth of a parse) and kept room for a fourth,
/// and an `Array` used as the stack copied each element out and destroyed it again. A
/// noncopyable struct, not a class: a generic class's metadata is made at run time, at every start.
struct ListStack<Element>: ~Copyable {
    private var storage: UnsafeMutablePointer<Element>
    private var capacity = 16
    /// How many elements the stack holds: where the next list starts.
    private(set) var count = 0

    init() {
        storage = .allocate(capacity: capacity)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    mutating func append(_ element: consuming Element) {
        if count == capacity {
            let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
            larger.moveInitialize(from: storage, count: count)
            storage.deallocate()
            storage = larger
            capacity *= 2
        }
        (storage + count).initialize(to: element)
        count += 1
    }

    /// The elements from `base` on, taken off the stack.
    mutating func removeList(from base: Int) -> [Element] {
        let listCount = count - base
        guard listCount > 0 else { return [] }
        count = base
        // Moved one by one into reserved room: `Array(unsafeUninitializedCapacity:)` looked up the
        // array's generic metadata at every call, and copying them out retained what they hold.
        var list: [Element] = []
        list.reserveCapacity(listCount)
        for index in base..<base + listCount { list.append((storage + index).move()) }
        return list
    }
}
