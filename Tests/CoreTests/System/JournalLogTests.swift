import Foundation
import Glibc
import Testing

@testable import Core

/// Where the daemon's log goes, and the form of its stderr lines.
@Suite("Journal log")
struct JournalLogTests {
    @Test func destination_withoutJournalStream_isStandardError() {
        #expect(JournalLog.detectDestination(environment: [:]) == .standardError)
        #expect(JournalLog.detectDestination(environment: ["JOURNAL_STREAM": "garbage"]) == .standardError)
    }

    @Test func destination_whenStderrIsNotTheNamedStream_isStandardError() {
        #expect(JournalLog.detectDestination(environment: ["JOURNAL_STREAM": "1:1"]) == .standardError)
    }

    @Test func destination_whenStderrIsTheNamedStream_isJournal() {
        var status = stat()
        #expect(fstat(2, &status) == 0)
        let stream = "\(status.st_dev):\(status.st_ino)"
        #expect(JournalLog.detectDestination(environment: ["JOURNAL_STREAM": stream]) == .journal)
    }

    @Test func formatLine_putsFieldsInKeyOrderAndQuotesSpaces() {
        let log = JournalLog(destination: .discard)
        let line = log.formatLine(
            .warning, "job finished",
            ["GLARE_STATE": "failed", "GLARE_JOB": "12", "GLARE_REASON": "killed by signal 9"])
        #expect(
            line == "glared[warning] job finished GLARE_JOB=12 GLARE_REASON=\"killed by signal 9\" GLARE_STATE=failed")
    }

    @Test func formatLine_keepsOneLine() {
        let line = JournalLog(destination: .discard).formatLine(.error, "two\nlines", ["GLARE_ERROR": "a\nb"])
        #expect(!line.contains("\n"))
    }
}
