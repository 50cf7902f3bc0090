import Core
import Foundation
import Glibc
import Testing

extension EndToEnd {
    /// Bad files become per-item errors counted in the summary; bad specs are refused at submit.
    @Suite("fault injection: bad input")
    struct FaultInjectionBadInputTests {
        /// The header of a landmark CSV in OpenFace's 2D column names, optionally with a label column.
        static func header(label: Bool) -> String {
            let columns = (0..<68).map { "x_\($0)" } + (0..<68).map { "y_\($0)" }
            return (columns + (label ? ["label"] : [])).joined(separator: ",")
        }

        /// A plausible row: 136 finite coordinates, varied by `index` so the samples differ.
        static func row(_ index: Int, label: String? = nil) -> String {
            let values = (0..<136).map { column in
                String(format: "%.3f", 100 + Double((column * 37 + index * 11) % 97) + Double(index % 5) * 0.25)
            }
            return (values + (label.map { [$0] } ?? [])).joined(separator: ",")
        }

        /// Good rows, then one of each kind of bad row; returns the file's text and the bad rows' count.
        static func mixedFile(goodRows: Int, labels: [String]?) -> (text: String, bad: Int) {
            var lines = [header(label: labels != nil)]
            for index in 0..<goodRows {
                lines.append(row(index, label: labels.map { $0[index % $0.count] }))
            }
            let good = row(999, label: labels?.first)
            var fields = good.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            lines.append(fields.dropLast(5).joined(separator: ","))  // wrong field count
            fields[3] = "nan"
            lines.append(fields.joined(separator: ","))  // NaN
            fields[3] = "eyebrow"
            lines.append(fields.joined(separator: ","))  // text in a number
            fields[3] = ""
            lines.append(fields.joined(separator: ","))  // missing value
            var bad = 4
            if labels != nil {
                lines.append(row(1000, label: "astonished"))  // unknown label
                bad += 1
            }
            return (lines.joined(separator: "\n") + "\n", bad)
        }

        @Test func badRows_areCountedPerItem_andTheRestIsProcessed() throws {
            let harness = try DaemonHarness()
            try harness.start()
            defer { harness.stop() }

            // Training on a landmark file: bad rows are dropped and counted, the job succeeds.
            let training = Self.mixedFile(goodRows: 90, labels: ["happy", "sad", "neutral"])
            let trainFile = harness.directory.appendingPathComponent("train.csv")
            try training.text.write(to: trainFile, atomically: true, encoding: .utf8)
            let trainId = try harness.submit(
                ["train", "--dataset", "landmarks:\(trainFile.path)?classes=happy,sad,neutral", "--epochs", "2"]
                    + Trainings.smallModel)
            let trained = try harness.ctl(["wait", String(trainId)], timeout: .seconds(300))
            try #require(trained.status == 0, "\(trained)\n\(harness.jobLog(trainId))")
            let trainJob = try harness.show(trainId)
            print("fault injection: training summary with \(training.bad) bad rows: \(trainJob.summary ?? [:])")
            #expect(trainJob.summary?["dropped"] == Double(training.bad), "\(String(describing: trainJob.summary))")

            // Inference: a file with bad rows, one without the landmark columns, two images that are not.
            let inference = Self.mixedFile(goodRows: 6, labels: nil)
            let mixed = harness.directory.appendingPathComponent("mixed.csv")
            try inference.text.write(to: mixed, atomically: true, encoding: .utf8)
            let noColumns = harness.directory.appendingPathComponent("columns.csv")
            try "frame,confidence\n1,0.9\n".write(to: noColumns, atomically: true, encoding: .utf8)
            // Image files that are not images: empty, and text under an image name.
            let empty = harness.directory.appendingPathComponent("empty.jpg")
            #expect(FileManager.default.createFile(atPath: empty.path, contents: Data()))
            let text = harness.directory.appendingPathComponent("text.png")
            try "not a picture\n".write(to: text, atomically: true, encoding: .utf8)
            let inferId = try harness.submit(
                ["infer", "--model", String(trainId), mixed.path, noColumns.path, empty.path, text.path])
            let inferred = try harness.ctl(["wait", String(inferId)], timeout: .seconds(120))
            #expect(inferred.status == 0, "\(inferred)\n\(harness.jobLog(inferId))")
            let inferJob = try harness.show(inferId)
            print("fault injection: inference summary: \(inferJob.summary ?? [:])")
            #expect(inferJob.summary?["faces"] == 6, "\(String(describing: inferJob.summary))")
            #expect(
                inferJob.summary?["errors"] == Double(inference.bad + 3),
                "expected \(inference.bad) bad rows and 3 bad files: \(String(describing: inferJob.summary))")

            let printed = try harness.ctl(["result", String(inferId), "--print"])
            let table = CSVTable(printed.output)
            let status = try #require(table.column { $0 == "status" }, "\(printed)")
            #expect(table.rows.count { $0.count > status && $0[status] == "ok" } == 6, "\(printed.output)")
            #expect(!printed.output.lowercased().contains(",nan"), "NaN in the predictions: \(printed.output)")
        }

        @Test func badSpecs_areRefusedAtSubmit_andNothingIsQueued() throws {
            let harness = try DaemonHarness()
            try harness.start()
            defer { harness.stop() }
            #expect(try harness.ctl(["drain"]).status == 0)

            // A real model file to damage: a tiny training's.
            #expect(try harness.ctl(["resume"]).status == 0)
            let trainId = try harness.submit(Trainings.tiny)
            let trained = try harness.ctl(["wait", String(trainId)], timeout: .seconds(300))
            try #require(trained.status == 0, "\(trained)\n\(harness.jobLog(trainId))")
            var model = try Data(
                contentsOf: harness.stateDirectory.appendingPathComponent("jobs/\(trainId)/results/model.glare"))
            // The format version is the little-endian UInt32 after the 8-byte magic.
            model[8] = 99
            model[9] = 0
            model[10] = 0
            model[11] = 0
            let future = harness.directory.appendingPathComponent("future.glare")
            try model.write(to: future)
            let jobsBefore = try harness.listAll().count

            let refusals: [(arguments: [String], expected: String)] = [
                (["train", "--dataset", "tarball:/data/faces", "--epochs", "1"], "tarball"),
                (
                    ["train", "--dataset", "landmarks:\(harness.directory.path)/absent.csv", "--epochs", "1"],
                    "absent.csv"
                ),
                (["infer", "--model", "no-such-model", harness.directory.path], "no-such-model"),
                (["infer", "--model", future.path, harness.directory.path], "version"),
            ]
            for refusal in refusals {
                let result = try harness.ctl(refusal.arguments)
                print("fault injection: refused \(refusal.arguments.joined(separator: " ")): \(result.errorOutput)")
                #expect(result.status != 0, "accepted: \(result)")
                #expect(
                    result.errorOutput.contains(refusal.expected),
                    "the message does not name \(refusal.expected): \(result)")
            }
            #expect(try harness.listAll().count == jobsBefore, "a refused spec was queued")
        }
    }
}
