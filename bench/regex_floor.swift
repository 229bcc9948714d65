// What Swift's `Regex(String)` alone costs to parse a runbook's distinct patterns, on every core,
// as the validator shares them out (`DispatchQueue.concurrentPerform`), and nothing else.
// bench/validate-shipped.sh measures this program beside `medic validate` of the same runbook:
// before Medic read the common syntax itself (SimpleSyntax), this was the floor under validating
// it; now it is what sending every pattern through Swift's parser would cost.
//
//   swiftc -O -static-stdlib bench/regex_floor.swift -o bench/out/regex-floor
//   python3 bench/generate-runbook.py 1000 --patterns >bench/out/patterns-1000.txt
//   bench/out/regex-floor bench/out/patterns-1000.txt
//
// Reads one pattern a line from the file named; exits 1, naming it, when a pattern does not parse
// (the floor would then be lower than the work measured beside it), 2 when the file cannot be read.
import Dispatch
import Glibc
import Synchronization

guard CommandLine.arguments.count == 2, let file = fopen(CommandLine.arguments[1], "r") else {
    print("usage: regex-floor FILE (one pattern a line)")
    exit(2)
}
var patterns: [String] = []
var line: UnsafeMutablePointer<CChar>? = nil
var capacity = 0
while getline(&line, &capacity, file) > 0, let text = line {
    var pattern = String(cString: text)
    if pattern.hasSuffix("\n") { pattern.removeLast() }
    patterns.append(pattern)
}
free(line)
fclose(file)
let all = patterns
let cores = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
let broken = Mutex<[String]>([])
DispatchQueue.concurrentPerform(iterations: cores) { core in
    for index in stride(from: core, to: all.count, by: cores) {
        do { _ = try Regex(all[index]) } catch { broken.withLock { $0.append(all[index]) } }
    }
}
let failed = broken.withLock { $0 }
if let first = failed.first {
    print("regex-floor: \(failed.count) pattern(s) do not parse, the first: \(first)")
    exit(1)
}
