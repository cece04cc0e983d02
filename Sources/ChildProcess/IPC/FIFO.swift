/// A first-in first-out queue with O(1) removal at the front: a channel can have thousands of
/// messages waiting, where `Array.removeFirst` would make draining them quadratic.
struct FIFO<Element> {
    private var elements: [Element?] = []
    private var head = 0

    var isEmpty: Bool { head == elements.count }
    var first: Element? { isEmpty ? nil : elements[head] }

    mutating func append(_ element: Element) { elements.append(element) }

    mutating func popFirst() -> Element? {
        guard !isEmpty else { return nil }
        defer {
            elements[head] = nil
            head += 1
            if head == elements.count {
                elements.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 1024, head * 2 >= elements.count {
                elements.removeFirst(head)
                head = 0
            }
        }
        return elements[head]
    }

    /// Replaces the first element (a partly written message records its progress).
    mutating func replaceFirst(with element: Element) {
        precondition(!isEmpty, "replaceFirst on an empty queue")
        elements[head] = element
    }

    /// Removes and returns everything, in order.
    mutating func removeAll() -> [Element] {
        defer {
            elements = []
            head = 0
        }
        return elements[head...].map { $0! }
    }
}
