import Core
import Foundation

// glare-worker runs one job for glared; see WorkerProcess for the order of its steps. With
// `--zygote` it instead forks one such worker per request from glared (WorkerZygote).
if Array(CommandLine.arguments.dropFirst()) == WorkerZygote.arguments {
    exit(WorkerZygote.serve(socket: 0))
}
do {
    let arguments = try WorkerArguments(parsing: Array(CommandLine.arguments.dropFirst()))
    WorkerProcess.end(WorkerProcess.run(arguments, environment: ProcessInfo.processInfo.environment))
} catch {
    FileHandle.standardError.write(Data("glare-worker: \(error)\n".utf8))
    exit(2)
}
