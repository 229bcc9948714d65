import MedicCore

extension LogZone {
    /// A POSIX TZ rule, the footer of a TZif file that governs times after its last transition:
    /// `JST-9`, `CET-1CEST,M3.5.0,M10.5.0/3`, `<-03>3`.
    struct Rule: Sendable, Equatable {
        /// Seconds east of UTC of standard time.
        let standard: Int64
        /// Summer time: its offset and the changes into it and out of it; nil when there is none.
        let summer: Summer?

        struct Summer: Sendable, Equatable {
            let offset: Int64
            let start: Change
            let end: Change
        }

        /// A change's day (`Mm.w.d`, `Jn` or `n`) and local time of day.
        struct Change: Sendable, Equatable {
            enum Day: Sendable, Equatable {
                case monthWeekDay(month: Int64, week: Int64, weekday: Int64)
                case julianNoLeap(Int64)
                case zeroBased(Int64)
            }
            let day: Day
            let time: Int64

            /// Seconds since the epoch of the change in `year`, its time read in `offset`.
            func at(year: Int64, offset: Int64) -> Int64 {
                let days: Int64
                switch day {
                case .monthWeekDay(let month, let week, let weekday):
                    let first = CivilDate.days(year: year, month: month, day: 1)
                    let next = month == 12 ? CivilDate.days(year: year + 1, month: 1, day: 1) : CivilDate.days(year: year, month: month + 1, day: 1)
                    // 1970-01-01 was a Thursday (4).
                    let firstWeekday = first + 4 - (first + 4).floorDivided(by: 7) * 7
                    var candidate = first + (weekday - firstWeekday + 7) % 7 + (week - 1) * 7
                    while candidate >= next { candidate -= 7 }
                    days = candidate
                case .julianNoLeap(let n):
                    let start = CivilDate.days(year: year, month: 1, day: 1)
                    let leap = CivilDate.days(year: year, month: 3, day: 1) - CivilDate.days(year: year, month: 2, day: 28) == 2
                    days = start + n - 1 + (leap && n >= 60 ? 1 : 0)
                case .zeroBased(let n):
                    days = CivilDate.days(year: year, month: 1, day: 1) + n
                }
                return days * 86_400 + time - offset
            }
        }

        /// Parses `text`; nil when it is not a rule this reader knows.
        init?(_ text: String) {
            var scanner = Scanner(Array(text.utf8))
            guard scanner.name(), let standardWest = scanner.offset() else { return nil }
            standard = -standardWest
            if scanner.atEnd {
                summer = nil
                return
            }
            guard scanner.name() else { return nil }
            let summerOffset = scanner.peek == UInt8(ascii: ",") ? standard + 3600 : scanner.offset().map { -$0 }
            guard let summerOffset, scanner.take(","), let start = scanner.change(), scanner.take(","), let end = scanner.change(), scanner.atEnd
            else {
                return nil
            }
            summer = Summer(offset: summerOffset, start: start, end: end)
        }

        /// Seconds east of UTC at `time`.
        func offset(at time: Int64) -> Int64 {
            guard let summer else { return standard }
            let year = CivilDate.date(fromDays: (time + standard).floorDivided(by: 86_400)).year
            // The start is given in standard time, the end in summer time.
            let start = summer.start.at(year: year, offset: standard)
            let end = summer.end.at(year: year, offset: summer.offset)
            let inSummer = start < end ? (start <= time && time < end) : !(end <= time && time < start)
            return inSummer ? summer.offset : standard
        }
    }

    /// Reads the pieces of a POSIX TZ rule.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }
        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func take(_ character: Unicode.Scalar) -> Bool {
            guard peek == UInt8(ascii: character) else { return false }
            index += 1
            return true
        }

        /// `CET` or `<-03>`.
        mutating func name() -> Bool {
            if take("<") {
                // Letters, digits, + and - only, three or more (POSIX).
                let start = index
                while let byte = peek,
                    byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                        || ((byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z"))
                {
                    index += 1
                }
                return index - start >= 3 && take(">")
            }
            let start = index
            while let byte = peek, (byte | 0x20) >= UInt8(ascii: "a"), (byte | 0x20) <= UInt8(ascii: "z") { index += 1 }
            return index - start >= 3
        }

        mutating func number() -> Int64? {
            let start = index
            var value: Int64 = 0
            while let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), index - start < 4 {
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
                index += 1
            }
            return index > start ? value : nil
        }

        /// `[+-]hh[:mm[:ss]]` in seconds: hours up to `maximumHours` (24 for a zone's offset, 167
        /// for a change's time, RFC 8536), minutes and seconds under 60. glibc clamps a value past
        /// these bounds; Medic refuses it rather than read a zone nobody meant.
        mutating func offset(maximumHours: Int64 = 24) -> Int64? {
            let negative = take("-")
            if !negative { _ = take("+") }
            guard let hours = number(), hours <= maximumHours else { return nil }
            var seconds = hours * 3600
            if take(":") {
                guard let minutes = number(), minutes < 60 else { return nil }
                seconds += minutes * 60
                if take(":") {
                    guard let rest = number(), rest < 60 else { return nil }
                    seconds += rest
                }
            }
            return negative ? -seconds : seconds
        }

        /// `Mm.w.d[/time]`, `Jn[/time]` or `n[/time]`.
        mutating func change() -> Rule.Change? {
            let day: Rule.Change.Day
            if take("M") {
                guard let month = number(), (1...12).contains(month), take("."), let week = number(), (1...5).contains(week), take("."),
                    let weekday = number(), (0...6).contains(weekday)
                else { return nil }
                day = .monthWeekDay(month: month, week: week, weekday: weekday)
            } else if take("J") {
                guard let n = number(), (1...365).contains(n) else { return nil }
                day = .julianNoLeap(n)
            } else {
                guard let n = number(), (0...365).contains(n) else { return nil }
                day = .zeroBased(n)
            }
            var time: Int64 = 7200
            if take("/") {
                guard let given = offset(maximumHours: 167) else { return nil }
                time = given
            }
            return Rule.Change(day: day, time: time)
        }
    }
}
