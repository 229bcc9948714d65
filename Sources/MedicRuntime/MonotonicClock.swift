import Glibc

/// Milliseconds on CLOCK_MONOTONIC: durations and deadlines that ignore changes to the wall clock.
enum MonotonicClock {
    /// The current reading, in milliseconds since an arbitrary start.
    static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }

    /// The milliseconds from now until `deadline`, clamped to what `poll` accepts (never negative).
    static func pollTimeout(until deadline: Int64) -> Int32 {
        Int32(clamping: max(0, deadline - now()))
    }
}
