import Foundation
import Testing

@testable import Core
@testable import GlareClient

@Suite("FollowDisplay")
struct FollowDisplayTests {
    final class Capture {
        var output = ""
        var error = ""
        var events: [String] = []

        func display(isTerminal: Bool, width: Int = 80) -> FollowDisplay {
            FollowDisplay(
                isTerminal: isTerminal, terminalWidth: width,
                writeOutput: { [self] in
                    output += String(decoding: $0, as: UTF8.self)
                    events.append("out:" + String(decoding: $0, as: UTF8.self))
                },
                writeError: { [self] in
                    error += $0
                    events.append("err:" + $0)
                })
        }
    }

    static func epoch(_ done: Int) -> ProgressEvent {
        ProgressEvent(phase: "epoch", time: Double(done), done: done, total: 5, metrics: ["loss": 1.0 / Double(done)])
    }

    @Test func log_printsWholeLinesOnly_andFinishFlushesTheRest() {
        let capture = Capture()
        let display = capture.display(isTerminal: false)
        display.log(Data("one\ntw".utf8))
        #expect(capture.output == "one\n")
        display.log(Data("o\nthr".utf8))
        #expect(capture.output == "one\ntwo\n")
        display.finishLog()
        #expect(capture.output == "one\ntwo\nthr\n")
    }

    @Test func notATerminal_printsEachNewEventOnceAsAPlainLine() {
        let capture = Capture()
        let display = capture.display(isTerminal: false)
        display.showProgress(FollowDisplayTests.epoch(1))
        display.showProgress(FollowDisplayTests.epoch(1))
        display.showProgress(nil)
        display.showProgress(FollowDisplayTests.epoch(2))
        display.showFinal(FollowDisplayTests.epoch(2))
        #expect(capture.error == "epoch 1/5  loss 1.000\nepoch 2/5  loss 0.500\n")
        #expect(!capture.error.contains("\r"))
    }

    @Test func terminal_rewritesTheLine_andClearsItAroundLogLines() {
        let capture = Capture()
        let display = capture.display(isTerminal: true)
        display.showProgress(FollowDisplayTests.epoch(1))
        display.log(Data("saved checkpoint\n".utf8))
        display.showProgress(FollowDisplayTests.epoch(2))
        display.showFinal(FollowDisplayTests.epoch(2))
        let clear = "\r\u{1B}[K"
        #expect(
            capture.events == [
                "err:" + clear, "err:epoch 1/5  loss 1.000",
                "err:" + clear, "out:saved checkpoint\n", "err:epoch 1/5  loss 1.000",
                "err:" + clear, "err:epoch 2/5  loss 0.500",
                "err:\n",
            ])
    }

    @Test func terminal_cutsALineWiderThanTheTerminal() {
        let capture = Capture()
        let display = capture.display(isTerminal: true, width: 12)
        display.showProgress(FollowDisplayTests.epoch(3))
        #expect(capture.error.hasSuffix("epoch 3/5  "))
        #expect(!capture.error.contains("loss"))
    }
}
