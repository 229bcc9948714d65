import Dispatch
import Synchronization

/// Compiles a file's regexes on another core while the file is still being read.
///
/// Compiling a pattern that `SimpleSyntax` cannot read is the dearest part of validation (Swift's
/// `Regex` takes tens of microseconds to parse it), and reading a file is one core's work: so the
/// loader hands each step's patterns over as soon as the step is read, a worker compiles those
/// meanwhile, and the validator starts from what it finished
/// (`Validator.prepared(for:compiledMeanwhile:)`, which calls `finish()` only once it has listed
/// its questions, so the worker goes on meanwhile). Each pattern is compiled exactly as the
/// validator compiles it (`RegexPattern.compilation()`), only sooner; what the worker had not
/// reached when reading ended is compiled with the rest of validation's questions.
public final class PatternPipeline: Sendable {
    private struct State {
        /// Patterns handed over and not yet taken, oldest first from `next`.
        var pending: [RegexPattern] = []
        var next = 0
        /// The texts handed over so far, so that each is compiled once.
        var submitted: Set<String> = []
        /// What each pattern the worker took compiles to.
        var compiled: [String: RegexPattern.Compilation] = [:]
        /// Whether a worker is running (it ends when nothing is pending).
        var working = false
        /// Whether `finish()` was called: nothing more is taken.
        var finished = false
    }

    private let state = Mutex(State())
    private let worker = DispatchGroup()

    /// Creates an empty pipeline; its worker starts with the first pattern handed over.
    public init() {}

    /// Hands `patterns` over to be compiled; those handed over before are skipped, and so are
    /// those `SimpleSyntax` reads: they need no parser, and waking a worker for them costs more
    /// than validation's reading them.
    public func submit(_ patterns: [RegexPattern]) {
        let patterns = patterns.filter { SimpleSyntax.groupNames(of: $0.source) == nil }
        guard !patterns.isEmpty else { return }
        let start = state.withLock { state -> Bool in
            guard !state.finished else { return false }
            for pattern in patterns where state.submitted.insert(pattern.source).inserted { state.pending.append(pattern) }
            guard !state.working, state.next < state.pending.count else { return false }
            state.working = true
            worker.enter()
            return true
        }
        guard start else { return }
        DispatchQueue.global().async { [self] in
            // What was compiled goes back with the next take: one lock for both, not one a pattern.
            var done: [(String, RegexPattern.Compilation)] = []
            while let pattern = take(handingBack: done) {
                done = [(pattern.source, pattern.compilation())]
            }
            worker.leave()
        }
    }

    /// Records `done`, then the next pending pattern, or nil (the worker then ends) when none is
    /// left or the pipeline is finished.
    private func take(handingBack done: [(String, RegexPattern.Compilation)]) -> RegexPattern? {
        state.withLock { state in
            for (source, compilation) in done { state.compiled[source] = compilation }
            guard !state.finished, state.next < state.pending.count else {
                state.working = false
                return nil
            }
            state.next += 1
            return state.pending[state.next - 1]
        }
    }

    /// What every pattern the worker compiled compiles to, by text, once the pattern it was
    /// compiling is done; the worker takes nothing more.
    public func finish() -> [String: RegexPattern.Compilation] {
        state.withLock { $0.finished = true }
        worker.wait()
        return state.withLock { $0.compiled }
    }
}
