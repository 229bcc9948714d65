import Foundation

/// Lines as nginx writes them to its error log, for tests that plant lines of a given age in one.
public enum NginxLog {
    /// The time `secondsAgo` seconds before now as nginx's error log writes it: local time,
    /// `2026/12/01 21:40:05`.
    public static func timestamp(secondsAgo: Int) -> String {
        var clock = time(nil) - secondsAgo
        var local = tm()
        localtime_r(&clock, &local)
        var bytes = [CChar](repeating: 0, count: 32)
        strftime(&bytes, bytes.count, "%Y/%m/%d %H:%M:%S", &local)
        return String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// An `[error]` line stamped `secondsAgo` seconds before now: `TIME [error] 7#7: *1 MESSAGE`.
    public static func errorLine(secondsAgo: Int, _ message: String) -> String {
        timestamp(secondsAgo: secondsAgo) + " [error] 7#7: *1 " + message
    }
}
