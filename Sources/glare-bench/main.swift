import Core
import Foundation

// glare-bench: thin command line over the benchmarks.
let usage = """
    usage: glare-bench model [--threads 1,2] [--batch-sizes 64,256,1024] [--no-peer] [--json FILE]
                             [--reps N] [--rep-seconds S] [--only training|inference]
           glare-bench landmarks [--rounds N] [--side 512]
           glare-bench queue [--jobs 500]

    """
let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "model":
        try ModelBenchmarkCommand(arguments: Array(arguments.dropFirst())).run()
    case "landmarks":
        try LandmarkBenchmark(arguments: Array(arguments.dropFirst())).run()
    case "queue":
        try QueueBenchmark(arguments: Array(arguments.dropFirst())).run()
    default:
        FileHandle.standardError.write(Data(usage.utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("glare-bench: \(error)\n".utf8))
    exit(1)
}
