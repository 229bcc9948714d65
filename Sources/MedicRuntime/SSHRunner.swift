import Glibc
import MedicCore

/// Runs a step on other hosts through the system's ssh: at most `forks` hosts at once, each
/// with the step's timeout, all of them stopped by the operator's interrupt.
///
/// Each host gets one `ssh` (in a process group of its own) whose standard input carries the
/// step (`RemoteScript`); the input stays open while the step runs, and closing it is how the
/// remote side learns to end the step's process group. An unreachable host is a result.
final class SSHRunner {
    private let interrupt: Interrupt
    private let graceMilliseconds: Int64
    private let settings: SSHSettings

    /// The most output kept per host of a host set (the screen and conditions see this much).
    static let keptBytesPerHost = HostResult.keptBytes
    /// The longest ssh waits for a connection, whatever the step's timeout.
    static let connectTimeoutCap = 10
    /// After closing a stopped step's input, how long ssh has to bring the remote exit back
    /// before it gets SIGTERM.
    static let closeWaitMilliseconds: Int64 = 1000

    init(interrupt: Interrupt, graceMilliseconds: Int64, settings: SSHSettings) {
        self.interrupt = interrupt
        self.graceMilliseconds = graceMilliseconds
        self.settings = settings
    }

    private enum Stop {
        case timeout
        case cancel
    }

    /// One ssh under way.
    private struct Connection {
        let index: Int
        let host: String
        let child: ChildProcess
        let started: Int64
        let deadline: Int64
        var pipe: Int32?
        var input: Int32?
        var pendingInput: [UInt8]
        var stop: Stop?
        var termAt: Int64 = .max
        var killAt: Int64 = .max
        var killedAt: Int64?
        var exitedAt: Int64?
        var markerSeen = false
        var early: [UInt8] = []
        var kept: [UInt8] = []
        var dropped = 0
        /// For an HTTP probe: the last bytes of the output, where the probe's closing lines are.
        var tail: [UInt8] = []
    }

    /// How many of an HTTP probe's last output bytes are kept beside the first (its closing
    /// lines are at most a few hundred bytes).
    static let keptTailBytes = 4096

    /// Runs `invocation` on each of its hosts. With one host (`where: {host: …}`) the output is
    /// streamed to `output` and the result is that host's; on a host set, each host's output is
    /// kept (up to `keptBytesPerHost`) in its own result and `output` gets nothing.
    func run(_ invocation: Invocation, output: (ArraySlice<UInt8>) -> Void) -> StepResult {
        let started = MonotonicClock.now()
        guard let remote = invocation.remote else { return StepResult(failureReason: "no host to run on") }
        // An HTTP probe's output is curl's (headers, body, closing lines), read whole before its
        // body is shown.
        let isHTTP = if case .http = invocation.payload { true } else { false }
        let streaming = !remote.isHostSet && !isHTTP
        let hosts = remote.hosts
        func failAll(_ reason: String) -> StepResult {
            if !remote.isHostSet {
                output(ArraySlice(Array((reason + "\n").utf8)))
                return StepResult(failureReason: reason)
            }
            return StepResult(hosts: hosts.map { HostResult(host: $0, result: StepResult(failureReason: reason)) })
        }
        let directory: String
        switch SSHSettings.privateDirectory(settings.controlDirectory) {
        case .success(let path): directory = path
        case .failure(let failure): return failAll(failure.reason)
        }
        let marker = "medic-step-started-" + Self.nonce()
        let script: [UInt8]
        switch RemoteScript.text(
            for: invocation.payload, environment: invocation.environment, marker: marker, timeout: invocation.timeout,
            configurationFiles: invocation.configurationFiles)
        {
        case .success(let text): script = Array(text.utf8)
        case .failure(let problem): return failAll(problem.reason)
        }
        let markerLine = Array((marker + "\n").utf8)
        let forks = max(1, settings.forks ?? remote.forks)
        let timeout = max(0, invocation.timeout.milliseconds)
        let connectTimeout = max(1, min(Self.connectTimeoutCap, Int((timeout + 999) / 1000)))

        var results = [StepResult?](repeating: nil, count: hosts.count)
        var next = 0
        var running: [Connection] = []
        var cancelled = false
        var buffer = [UInt8](repeating: 0, count: ProcessRunner.chunkSize)

        func deliver(_ bytes: ArraySlice<UInt8>, to connection: inout Connection) {
            if isHTTP, connection.markerSeen {
                connection.tail += bytes.suffix(Self.keptTailBytes)
                if connection.tail.count > Self.keptTailBytes { connection.tail.removeFirst(connection.tail.count - Self.keptTailBytes) }
            }
            if streaming {
                output(bytes)
            } else {
                let room = max(0, Self.keptBytesPerHost - connection.kept.count)
                connection.kept += bytes.prefix(room)
                connection.dropped += max(0, bytes.count - room)
            }
        }
        /// Holds ssh's own words until the marker shows the step started; passes the rest on.
        func received(_ bytes: ArraySlice<UInt8>, _ connection: inout Connection) {
            guard !connection.markerSeen else { return deliver(bytes, to: &connection) }
            connection.early += bytes
            if let range = connection.early.firstRange(ofBytes: markerLine) {
                connection.markerSeen = true
                let before = connection.early[..<range.lowerBound]
                let after = connection.early[range.upperBound...]
                if !before.isEmpty { deliver(before, to: &connection) }
                if !after.isEmpty { deliver(after, to: &connection) }
                connection.early = []
            }
        }
        func begin(_ reason: Stop, _ connection: inout Connection, at now: Int64) {
            guard connection.stop == nil else { return }
            connection.stop = reason
            // Closing the input is what tells the remote wrapper to end the step's group.
            if let input = connection.input { close(input) }
            connection.input = nil
            connection.termAt = now + Self.closeWaitMilliseconds
            connection.killAt = connection.termAt + graceMilliseconds
        }
        func finish(_ connection: Connection) {
            if let pipe = connection.pipe { close(pipe) }
            if let input = connection.input { close(input) }
            var connection = connection
            // Before the marker, everything is ssh's own: its last line says why it gave up.
            let said = Self.lastLine(connection.markerSeen ? [] : connection.early)
            if !connection.early.isEmpty {
                let early = connection.early
                connection.early = []
                deliver(early[...], to: &connection)
            }
            var status: Int32 = 0
            var reaped = waitpid(connection.child.pid, &status, 0)
            while reaped == -1, errno == EINTR { reaped = waitpid(connection.child.pid, &status, 0) }
            Escapees.reaped(connection.child.pid)
            let ended = reaped == connection.child.pid ? WaitStatus(status).shellStatus : nil
            var result = StepResult(
                exitStatus: ended, timedOut: connection.stop == .timeout, cancelled: connection.stop == .cancel,
                durationMilliseconds: Int(MonotonicClock.now() - connection.started))
            if !connection.markerSeen, connection.stop == nil {
                if ended == 255 {
                    result.unreachable = true
                    result.failureReason = said.isEmpty ? "ssh could not reach \(connection.host)" : said
                } else if ended == RemoteScript.refusedStatus, said.hasPrefix(RemoteScript.refusedPrefix) {
                    // The wrapper judged a configuration file the check names and refused it.
                    result.exitStatus = nil
                    result.failureReason = "not run on \(connection.host): " + said.dropFirst(RemoteScript.refusedPrefix.count)
                } else {
                    result.exitStatus = nil
                    result.failureReason =
                        "the step did not start on \(connection.host) (ssh ended with status \(ended.map(String.init) ?? "unknown"))"
                        + (said.isEmpty ? "" : ": " + said)
                }
            }
            if isHTTP, connection.markerSeen, connection.stop == nil,
                let answer = RemoteHTTP.response(kept: connection.kept, total: connection.kept.count + connection.dropped, tail: connection.tail)
            {
                results[connection.index] = answer
                return
            }
            if connection.dropped > 0 { connection.kept += Array("\n… \(connection.dropped) more bytes not kept\n".utf8) }
            result.output = String(decoding: connection.kept, as: UTF8.self)
            results[connection.index] = result
        }

        while true {
            var now = MonotonicClock.now()
            while !cancelled, running.count < forks, next < hosts.count {
                let host = hosts[next]
                if let problem = HostName.problem(host) {
                    results[next] = StepResult(failureReason: problem)
                    next += 1
                    continue
                }
                let argv = settings.argv(host: host, connectTimeoutSeconds: connectTimeout, directory: directory)
                switch ChildProcess.spawn(argv, environment: [:]) {
                case .failure(let failure):
                    if streaming { output(ArraySlice(Array((failure.reason + "\n").utf8))) }
                    results[next] = StepResult(failureReason: failure.reason)
                case .success(let child):
                    running.append(
                        Connection(
                            index: next, host: host, child: child, started: now, deadline: now + timeout, pipe: child.output,
                            input: child.input, pendingInput: script))
                }
                next += 1
            }
            if running.isEmpty, cancelled || next >= hosts.count { break }

            var wakeAt = Int64.max
            for i in running.indices {
                if running[i].stop == nil, now >= running[i].deadline { begin(.timeout, &running[i], at: now) }
                if running[i].exitedAt == nil, ProcessRunner.hasExited(running[i].child.pid) { running[i].exitedAt = now }
                if running[i].stop != nil, running[i].killedAt == nil {
                    if now >= running[i].killAt {
                        killpg(running[i].child.pid, SIGKILL)
                        running[i].killedAt = now
                    } else if now >= running[i].termAt, running[i].exitedAt == nil {
                        killpg(running[i].child.pid, SIGTERM)
                        running[i].termAt = .max
                    }
                }
                if running[i].stop == nil { wakeAt = min(wakeAt, running[i].deadline) }
                if running[i].killedAt == nil, running[i].stop != nil { wakeAt = min(wakeAt, min(running[i].termAt, running[i].killAt)) }
                if running[i].exitedAt == nil { wakeAt = min(wakeAt, now + ProcessRunner.exitCheckMilliseconds) }
                if let exited = running[i].exitedAt {
                    let drainEnd = exited + ProcessRunner.drainWindowMilliseconds
                    wakeAt = min(wakeAt, drainEnd)
                }
            }
            // Ended and drained connections give their results and make room for the next host.
            var index = 0
            while index < running.count {
                if let exited = running[index].exitedAt, running[index].pipe == nil || now >= exited + ProcessRunner.drainWindowMilliseconds {
                    finish(running.remove(at: index))
                } else {
                    index += 1
                }
            }
            if running.isEmpty { continue }

            var descriptors: [pollfd] = [cancelled ? pollfd(fd: -1, events: 0, revents: 0) : interrupt.pollDescriptor]
            for connection in running {
                descriptors.append(pollfd(fd: connection.pipe ?? -1, events: Int16(POLLIN), revents: 0))
                let wantsToWrite = connection.input != nil && !connection.pendingInput.isEmpty
                descriptors.append(pollfd(fd: wantsToWrite ? connection.input ?? -1 : -1, events: Int16(POLLOUT), revents: 0))
            }
            let ready = poll(&descriptors, nfds_t(descriptors.count), MonotonicClock.pollTimeout(until: wakeAt))
            if ready <= 0 { continue }
            now = MonotonicClock.now()
            if interrupt.isRaised(descriptors[0].revents) {
                interrupt.drain()
                cancelled = true
                for i in running.indices { begin(.cancel, &running[i], at: now) }
                // The hosts not started yet are never started.
                while next < hosts.count {
                    results[next] = StepResult(cancelled: true, failureReason: "not started: cancelled by the operator")
                    next += 1
                }
            }
            for i in running.indices {
                let readable = descriptors[1 + 2 * i].revents
                let writable = descriptors[2 + 2 * i].revents
                if let input = running[i].input, writable != 0 {
                    let count = running[i].pendingInput.withUnsafeBytes { send(input, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    if count > 0 {
                        running[i].pendingInput.removeFirst(count)
                    } else if count < 0, errno != EAGAIN, errno != EINTR {
                        // ssh is gone or closed its input: what it says and its status tell why.
                        close(input)
                        running[i].input = nil
                    }
                }
                if let pipe = running[i].pipe, readable != 0 {
                    let count = buffer.withUnsafeMutableBytes { read(pipe, $0.baseAddress, $0.count) }
                    if count > 0 {
                        received(buffer[0..<count], &running[i])
                    } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                        close(pipe)
                        running[i].pipe = nil
                    }
                }
            }
        }

        let duration = Int(MonotonicClock.now() - started)
        if !remote.isHostSet {
            var only = results.first.flatMap { $0 } ?? StepResult(failureReason: "no host to run on")
            only.durationMilliseconds = duration
            // An HTTP probe's body (or why there is none) is shown once the response is read.
            if !streaming { output(ArraySlice(Array((only.output.isEmpty ? only.failureReason.map { $0 + "\n" } ?? "" : only.output).utf8))) }
            return only
        }
        let hostResults = zip(hosts, results).map { HostResult(host: $0, result: $1 ?? StepResult(failureReason: "not run")) }
        return StepResult(cancelled: cancelled, durationMilliseconds: duration, hosts: hostResults)
    }

    /// The last non-empty line of `bytes`: ssh's own message, for an unreachable host.
    static func lastLine(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).last.map { String($0).trimmingCharacters() } ?? ""
    }

    /// 16 random hex digits, so no output of the remote login can pass for the marker.
    static func nonce() -> String {
        let value = UInt64.random(in: .min ... .max)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension String {
    fileprivate func trimmingCharacters() -> String {
        var text = Substring(self)
        while let last = text.last, last == " " || last == "\r" || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
