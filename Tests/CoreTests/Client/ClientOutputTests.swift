import Foundation
import Testing

@testable import Core
@testable import GlareClient

@Suite("Client output")
struct ClientOutputTests {
    static let event = ProgressEvent(
        phase: "epoch", time: 1_700_000_100, done: 3, total: 10,
        metrics: ["loss": 0.51234, "accuracy": 0.8125, "validation_accuracy": 0.79, "eta_seconds": 42.4])

    @Test func progressLine_showsEpochLossAccuraciesAndETA() {
        #expect(ProgressText.line(ClientOutputTests.event) == "epoch 3/10  loss 0.512  acc 81.2%  val 79.0%  eta 0:42")
        #expect(ProgressText.compact(ClientOutputTests.event) == "epoch 3/10 loss 0.512")
        let diverged = ProgressEvent(phase: "epoch", time: 0, done: 1, metrics: ["loss": .nan])
        #expect(ProgressText.line(diverged) == "epoch 1  loss nan")
        #expect(ProgressText.line(ProgressEvent(phase: "loading", time: 0, message: "reading")) == "loading  reading")
    }

    @Test func durations_chooseTheirUnit() {
        #expect(TimeFormatting.shortDuration(-5) == "0s")
        #expect(TimeFormatting.shortDuration(59.9) == "59s")
        #expect(TimeFormatting.shortDuration(61) == "1m")
        #expect(TimeFormatting.shortDuration(3 * 3600 + 5 * 60) == "3h05m")
        #expect(TimeFormatting.shortDuration(2 * 86_400 + 4 * 3600) == "2d04h")
        #expect(TimeFormatting.clock(3723) == "1:02:03")
        #expect(TimeFormatting.clock(.infinity) == "?")
        #expect(TimeFormatting.timestamp(0, utcOffset: 0) == "1970-01-01T00:00:00Z")
    }

    @Test func timestamps_carryTheirZonesOffset_andDropFractionsOfASecond() {
        #expect(TimeFormatting.timestamp(1_796_411_121.9, utcOffset: 0) == "2026-12-04T19:05:21Z")
        #expect(TimeFormatting.timestamp(1_796_411_121, utcOffset: 5 * 3600 + 1800) == "2026-12-05T00:35:21+05:30")
        #expect(TimeFormatting.timestamp(0, utcOffset: -3 * 3600) == "1969-12-31T21:00:00-03:00")
    }

    @Test func printfFormatting_roundsAndSpellsAsPrintfDoes() {
        #expect(PrintfFormatting.format("%.3f", 0.51234) == "0.512")
        #expect(PrintfFormatting.format("%.1f%%", 81.25) == "81.2%")
        #expect(PrintfFormatting.format("%.1f%%", Double.nan) == "nan%")
        #expect(PrintfFormatting.format("%ldd%02ldh", 12, 4) == "12d04h")
        let long = PrintfFormatting.format("%.2f", 1e100)
        #expect(long.count == 104 && long.hasPrefix("1000000000000000015902891109759918046"))
    }

    @Test func table_alignsColumnsAndTrimsTrailingSpace() {
        let table = TextTable(header: ["ID", "STATE", "NOTE"], rows: [["7", "running", ""], ["12", "queued", "x"]])
        #expect(table.render() == "ID  STATE    NOTE\n7   running\n12  queued   x\n")
    }

    @Test func jobTable_andPage_carryTheFieldsUsersNeed() {
        var job = JobRecord(
            id: 12, spec: JobSpec(kind: .train, dataset: "builtin:synthetic", epochs: 10), owner: 1000,
            ownerName: "ada", group: "train", priority: 0, dependencies: [4], state: .failed,
            createdAt: 1_700_000_000, startedAt: 1_700_000_010, finishedAt: 1_700_000_070,
            progress: ClientOutputTests.event, reason: "dependency 4 failed")
        let table = JobText.table([job], now: 1_700_000_090)
        #expect(table.hasPrefix("ID  OWNER  KIND   GROUP  STATE   AGE  PROGRESS\n"))
        #expect(table.contains("12  ada    train  train  failed  1m   epoch 3/10 loss 0.512"))

        let page = JobText.page(job)
        for field in ["id:", "kind:", "state:", "owner:", "group:", "created:", "started:", "finished:", "progress:"] {
            #expect(page.contains("\n\(field)") || page.hasPrefix(field), "show lacks \(field)")
        }
        #expect(page.contains("\nreason:   dependency 4 failed\n"))
        #expect(JobText.outcome(job) == "job 12 failed: dependency 4 failed")
        var cancelled = job
        (cancelled.state, cancelled.reason) = (.cancelled, "cancelled")
        #expect(JobText.outcome(cancelled) == "job 12 cancelled")
        job.summary = ["epochs": 2, "test_accuracy": 0.8125, "loss": .nan]
        #expect(JobText.page(job).contains("\nsummary:  epochs=2 loss=nan test_accuracy=0.812\n"))
        job.reason = nil
        #expect(!JobText.page(job).contains("reason"))
    }

    /// Another user's job shows in `list`, and paths and reasons hold whatever bytes a file name
    /// held: printed raw, an escape sequence would drive the reader's terminal and a line break
    /// would forge a row.
    @Test func jobTable_andPage_showControlCharactersAsEscapes() {
        let job = JobRecord(
            id: 3, spec: JobSpec(kind: .infer, model: "m", inputs: ["/home/eve/a\u{7}b.jpg"]), owner: 1001,
            ownerName: "eve", group: "\u{1B}]0;owned\u{7}\n9  root  train", priority: 0, dependencies: [],
            state: .failed, createdAt: 0, reason: "no input at /tmp/x\ny\u{9B}2J\u{202E}")

        let table = JobText.table([job], now: 10)
        #expect(table.split(separator: "\n").count == 2, "\(table)")
        #expect(table.contains(#"\e]0;owned\a\n9  root  train"#), "\(table)")
        let page = JobText.page(job)
        #expect(page.contains(#"inputs:   /home/eve/a\ab.jpg"#), "\(page)")
        #expect(page.contains(#"reason:   no input at /tmp/x\ny\u{9B}2J\u{202E}"#), "\(page)")
        for text in [table, page, JobText.outcome(job)] {
            #expect(!text.unicodeScalars.contains { [0x07, 0x1B, 0x9B, 0x202E].contains($0.value) }, "\(text)")
        }
        #expect(PrintableText.escaped("tab\tand \\ stay") == "tab\tand \\ stay")
    }

    @Test func jsonText_isTheWireFormatWithNonFiniteNumbersAsStrings() throws {
        let text = JSONText.encode(ProgressEvent(phase: "epoch", time: 1, metrics: ["loss": .nan]))
        #expect(text.contains("\"loss\" : \"nan\""))
        let decoded = try WireProtocol.makeDecoder().decode(ProgressEvent.self, from: Data(text.utf8))
        #expect(decoded.metrics["loss"]?.isNaN == true)
    }

    @Test func exitStatuses_areDistinct_andErrorsMapOntoThem() {
        #expect(Set(ExitStatus.allCases.map(\.rawValue)).count == ExitStatus.allCases.count)
        #expect(ExitStatus(ClientError.daemonUnreachable(socketPath: "/x", reason: "")) == .daemonUnreachable)
        #expect(ExitStatus(ClientError.errorReply(ErrorReply(code: .denied, message: ""))) == .denied)
        #expect(ExitStatus(ClientError.errorReply(ErrorReply(code: .invalidState, message: ""))) == .daemonError)
        #expect(ExitStatus(ClientError.protocolError(.malformedJSON(detail: ""))) == .daemonError)
    }
}
