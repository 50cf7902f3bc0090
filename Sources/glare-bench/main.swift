import Core
import Foundation

// glare-bench: thin command line over Core's benchmarks.
let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.first == "model" else {
    FileHandle.standardError.write(
        Data("usage: glare-bench model [--threads 1,2] [--batch-sizes 64,256,1024] [--no-peer]\n".utf8))
    exit(2)
}
do {
    try ModelBenchmarkCommand(arguments: Array(arguments.dropFirst())).run()
} catch {
    FileHandle.standardError.write(Data("glare-bench: \(error)\n".utf8))
    exit(1)
}
