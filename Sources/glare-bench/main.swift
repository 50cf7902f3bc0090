import Core
import Foundation

// glare-bench: thin command line over the benchmarks.
let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "landmarks":
        try LandmarkBenchmark(arguments: Array(arguments.dropFirst())).run()
    default:
        FileHandle.standardError.write(Data("usage: glare-bench landmarks [--rounds N] [--side 512]\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("glare-bench: \(error)\n".utf8))
    exit(1)
}
