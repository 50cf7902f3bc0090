import FoundationEssentials
import GlareClient

/// The glarectl program: parses the command line, runs one command against glared, reports.
///
/// Each command is a method that throws `UsageError` or `ClientError`; `main` turns those into
/// a short message on standard error and the documented exit status.
struct Glarectl {
    /// The parsed command line.
    let arguments: ParsedArguments
    /// The socket to connect to.
    let socketPath: String

    /// Runs glarectl with the arguments after the program's name and returns its exit status.
    static func main(_ commandLine: [String]) -> ExitStatus {
        if commandLine == ["--version"] {
            Console.out(GlarectlCommandLine.versionText + "\n")
            return .success
        }

        let arguments: ParsedArguments
        do {
            switch try GlarectlCommandLine.parser.parse(commandLine) {
            case .help(let text):
                Console.out(text)
                return .success
            case .run(let parsed):
                arguments = parsed
            }
        } catch {
            return report(usage: error)
        }

        let socketPath = SocketLocator().socketPath(explicit: arguments.value("socket"))
        let program = Glarectl(arguments: arguments, socketPath: socketPath)
        do {
            return try program.run()
        } catch let error as UsageError {
            return report(usage: error)
        } catch let error as ClientError {
            Console.message(error.description)
            return ExitStatus(error)
        } catch {
            Console.message("\(error)")
            return .daemonError
        }
    }

    private static func report(usage error: UsageError) -> ExitStatus {
        let helpCommand = GlarectlCommandLine.parser.helpInvocation(for: error)
        Console.message("\(error) (see '\(helpCommand)')")
        return .usage
    }

    /// Runs the command.
    func run() throws -> ExitStatus {
        switch arguments.command {
        case "train", "evaluate", "infer", "extract": return try submit()
        case "list": return try list()
        case "show": return try show()
        case "logs": return try logs()
        case "cancel": return try cancel()
        case "wait": return try wait()
        case "retry": return try retry()
        case "remove": return try remove()
        case "result": return try result()
        case "models": return try models()
        case "status": return try status()
        case "drain", "resume", "shutdown": return try administer()
        case "set-parallelism": return try setParallelism()
        case "reload": return try reload()
        default: throw UsageError.unknownCommand(arguments.command)
        }
    }

    /// Opens a connection to the daemon.
    func connect() throws(ClientError) -> DaemonConnection {
        try DaemonConnection.open(socketPath: socketPath)
    }
}
