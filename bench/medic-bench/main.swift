#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// `medic-bench MODE [OPTIONS]`: Medic's in-process benchmarks, one mode each. A new benchmark
// is a type with a `run(_ arguments:)` function and one line in `modes`.

/// A benchmark the dispatcher can run.
struct Mode {
    var name: String
    var summary: String
    var run: ([String]) throws -> Void
}

let modes = [
    Mode(
        name: "journal", summary: "per-event cost of recording (fsync included); time and peak RSS to write 1 GiB of step output",
        run: JournalBenchmark.run),
    Mode(
        name: "log-window", summary: "the log probe's time and peak RSS for the last 15 minutes (or SINCE) of a log file: FILE [SINCE]",
        run: LogWindowBenchmark.run),
]

/// Writes `text` to standard error.
func printError(_ text: String) {
    var text = text
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let mode = modes.first(where: { $0.name == name }) else {
    var usage = "usage: medic-bench MODE [OPTIONS]\n\nmodes:\n"
    for mode in modes { usage += "  \(mode.name)  \(mode.summary)\n" }
    printError(usage)
    exit(64)
}
do {
    try mode.run(Array(arguments.dropFirst()))
} catch {
    printError("medic-bench \(name): \(error)\n")
    exit(1)
}
