import Testing

@testable import Core
@testable import GlareClient

@Suite("CommandLineParser")
struct CommandLineParserTests {
    let parser = GlarectlCommandLine.parser

    func run(_ arguments: [String]) throws -> ParsedArguments {
        guard case .run(let parsed) = try parser.parse(arguments) else {
            throw UsageError.invalid("expected a command to run, got help")
        }
        return parsed
    }

    @Test func parse_readsValuesFlagsRepeatsAndInlineValues() throws {
        let parsed = try run([
            "train", "--dataset", "builtin:synthetic", "--epochs=3", "--option", "samples=300", "--option",
            "seed=7", "-f", "--after", "4", "--after", "9",
        ])
        #expect(parsed.command == "train")
        #expect(parsed.value("dataset") == "builtin:synthetic")
        #expect(try parsed.integer("epochs") == 3)
        #expect(parsed.allValues("option") == ["samples=300", "seed=7"])
        #expect(parsed.has("follow"))
        #expect(!parsed.has("json"))
        #expect(try parsed.jobIds("after") == [4, 9])
    }

    @Test func parse_acceptsTheSocketBeforeOrAfterTheCommand() throws {
        #expect(try run(["--socket", "/tmp/a.sock", "list"]).value("socket") == "/tmp/a.sock")
        #expect(try run(["list", "--socket=/tmp/b.sock", "-a"]).value("socket") == "/tmp/b.sock")
    }

    @Test func parse_afterDoubleDash_takesDashedWordsAsArguments() throws {
        let parsed = try run(["infer", "--model", "m", "--", "-odd-name.jpg", "b.jpg"])
        #expect(parsed.positionals == ["-odd-name.jpg", "b.jpg"])
    }

    @Test func parse_helpAnywhere_returnsTheCommandsHelp() throws {
        guard case .help(let text) = try parser.parse(["train", "--dataset", "x", "--help"]) else {
            Issue.record("--help did not ask for help")
            return
        }
        #expect(text.hasPrefix("usage: glarectl train"))
        #expect(text.contains("--epochs N"))
        guard case .help(let main) = try parser.parse(["-h"]) else {
            Issue.record("-h did not ask for help")
            return
        }
        for status in ExitStatus.allCases { #expect(main.contains("  \(status.rawValue)  \(status.explanation)")) }
        guard case .help(let viaWord) = try parser.parse(["help", "wait"]) else {
            Issue.record("'help wait' did not ask for help")
            return
        }
        #expect(viaWord.hasPrefix("usage: glarectl wait [OPTIONS] ID..."))
    }

    @Test func parse_everyCommandHasHelp() throws {
        for command in parser.commands {
            guard case .help(let text) = try parser.parse([command.name, "--help"]) else {
                Issue.record("\(command.name) --help did not ask for help")
                continue
            }
            #expect(text.contains(command.summary))
        }
    }

    @Test func parse_rejectsMistakesWithTypedErrors() {
        #expect(throws: UsageError.missingCommand) { try parser.parse([]) }
        #expect(throws: UsageError.unknownCommand("trian")) { try parser.parse(["trian"]) }
        #expect(throws: UsageError.unknownOption("--epoch", command: "train")) {
            try parser.parse(["train", "--epoch", "3"])
        }
        #expect(throws: UsageError.missingValue(option: "--dataset", command: "train")) {
            try parser.parse(["train", "--dataset"])
        }
        #expect(throws: UsageError.missingArgument("ID", command: "show")) { try parser.parse(["show"]) }
        #expect(throws: UsageError.unexpectedArgument("8", command: "show")) { try parser.parse(["show", "7", "8"]) }
        #expect(throws: UsageError.unexpectedArgument("extra", command: "status")) {
            try parser.parse(["status", "extra"])
        }
        #expect(throws: UsageError.unexpectedArgument("--follow=yes", command: "logs")) {
            try parser.parse(["logs", "3", "--follow=yes"])
        }
    }

    @Test func helpInvocation_pointsAtTheFailingCommandOrTheProgram() throws {
        func invocation(_ arguments: [String]) -> String? {
            do {
                _ = try parser.parse(arguments)
                return nil
            } catch {
                return parser.helpInvocation(for: error)
            }
        }

        #expect(invocation(["--bogus", "list"]) == "glarectl --help")
        #expect(invocation(["trian"]) == "glarectl --help")
        #expect(invocation([]) == "glarectl --help")
        #expect(invocation(["train", "--epoch", "3"]) == "glarectl train --help")
        #expect(invocation(["show"]) == "glarectl show --help")
    }

    @Test func typedAccessors_rejectValuesOfTheWrongForm() throws {
        let parsed = try run(["train", "--dataset", "builtin:synthetic", "--epochs", "many", "--after", "-3"])
        #expect(throws: UsageError.badValue(option: "--epochs", value: "many", expected: "a whole number")) {
            try parsed.integer("epochs")
        }
        #expect(throws: UsageError.self) { try parsed.jobIds("after") }
        let ranged = try run(["train", "--epochs", "0"])
        #expect(throws: UsageError.badValue(option: "--epochs", value: "0", expected: "a whole number from 1 to 9")) {
            try ranged.integer("epochs", in: 1...9)
        }
    }
}
