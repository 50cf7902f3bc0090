import Core
import Foundation

// glare-worker runs one job for glared; see WorkerProcess for the order of its steps.
do {
    let arguments = try WorkerArguments(parsing: Array(CommandLine.arguments.dropFirst()))
    exit(WorkerProcess.run(arguments, environment: ProcessInfo.processInfo.environment))
} catch {
    FileHandle.standardError.write(Data("glare-worker: \(error)\n".utf8))
    exit(2)
}
