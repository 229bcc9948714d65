import Dispatch
import Synchronization

/// Independent pieces of work done side by side on every core, their results in the order of the
/// pieces, so that what a caller prints never depends on which core finished first.
///
/// `DispatchQueue.concurrentPerform` is the synchronous fork-join: Medic's entry point is
/// synchronous by design, and Swift's task groups can only be awaited from async code. A piece
/// that maps again runs its own pieces one after the other (libdispatch does not nest widths):
/// work is shared out at the outermost level that has several pieces.
public enum Concurrently {
    /// `transform` of each of `items`, worked out side by side, in the order of `items`.
    public static func map<Item: Sendable, Value: Sendable>(_ items: [Item], _ transform: @Sendable (Item) -> Value) -> [Value] {
        guard items.count > 1 else { return items.map(transform) }
        let slots = Slots<Value>(count: items.count)
        DispatchQueue.concurrentPerform(iterations: items.count) { index in
            slots.put(transform(items[index]), at: index)
        }
        return slots.values()
    }

    /// `first()` and `second()`, worked out side by side.
    public static func both<First: Sendable, Second: Sendable>(
        _ first: @Sendable () -> First, _ second: @Sendable () -> Second
    ) -> (First, Second) {
        let one = Mutex<First?>(nil)
        let other = Mutex<Second?>(nil)
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            if index == 0 {
                let value = first()
                one.withLock { $0 = value }
            } else {
                let value = second()
                other.withLock { $0 = value }
            }
        }
        guard let first = one.withLock({ $0 }), let second = other.withLock({ $0 }) else {
            preconditionFailure("a piece of concurrent work left no result")
        }
        return (first, second)
    }

    /// The diagnostics of each of `passes`, run side by side, in the order of `passes`.
    public static func diagnostics(_ passes: [@Sendable () -> [Diagnostic]]) -> [Diagnostic] {
        map(passes) { $0() }.flatMap(\.self)
    }
}

/// The slots the pieces write their results to, one per piece.
private final class Slots<Value: Sendable>: Sendable {
    private let storage: Mutex<[Value?]>

    init(count: Int) { storage = Mutex(Array(repeating: nil, count: count)) }

    func put(_ value: Value, at index: Int) { storage.withLock { $0[index] = value } }

    /// Every slot's value; `concurrentPerform` returns only when every piece has run.
    func values() -> [Value] {
        let values = storage.withLock { $0.compactMap(\.self) }
        precondition(values.count == storage.withLock(\.count), "a piece of concurrent work left no result")
        return values
    }
}
