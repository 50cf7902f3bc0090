import CGlareSystem
import Glibc
import Testing

@testable import GlareClient

@Suite("Terminal size")
struct TerminalSizeTests {
    @Test("a pipe is not a terminal: the call fails with ENOTTY")
    func pipeIsNotATerminal() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer {
            close(ends[0])
            close(ends[1])
        }

        #expect(throws: ClientError.system(operation: "ioctl TIOCGWINSZ", errno: ENOTTY)) {
            try TerminalSize.columns(of: ends[1])
        }
    }

    @Test("a pseudo-terminal reports the width it was given, and none when it was given none", arguments: [0, 57, 213])
    func pseudoTerminalReportsItsWidth(columns: Int32) throws {
        var controller: Int32 = -1
        var terminal: Int32 = -1
        try #require(glare_terminal_open_pseudo(columns, 24, &controller, &terminal) == 0)
        defer {
            close(controller)
            close(terminal)
        }

        let reported = try TerminalSize.columns(of: terminal)

        #expect(reported == (columns == 0 ? nil : Int(columns)))
    }
}
