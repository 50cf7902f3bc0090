import FoundationEssentials
import GlareClient
import GlareProtocol

/// `result` (list, download or print a job's result files) and `models`.
extension Glarectl {
    /// The file `--print` shows when no `--file` is given, in order of preference.
    static let printedByDefault = ["predictions.csv", "metrics.json"]

    func result() throws -> ExitStatus {
        let id = try singleJobId()
        let connection = try connect()
        let files = try connection.resultFiles(id: id)
        let chosen = try chosenFiles(from: files, id: id)

        if arguments.has("print") {
            guard let file = chosen.first else {
                throw ClientError.errorReply(ErrorReply(code: .notFound, message: "job \(id) has no result to print"))
            }
            try connection.fetchFile(id: id, name: file.name) { data throws(ClientError) in Console.out(bytes: data) }
        } else if let output = arguments.value("output") {
            let directory = JobSubmission.absolutePath(output, in: FileManager.default.currentDirectoryPath)
            for file in chosen {
                let path = try download(file, of: id, into: directory, over: connection)
                Console.out(path + "\n")
            }
        } else if arguments.has("json") {
            Console.out(JSONText.encode(chosen))
        } else {
            var table = TextTable(header: ["NAME", "SIZE"])
            table.rows = chosen.map { [$0.name, String($0.size)] }
            Console.out(table.render())
        }
        return .success
    }

    func models() throws -> ExitStatus {
        let models = try connect().models()
        if arguments.has("json") {
            Console.out(JSONText.encode(models))
            return .success
        }
        var table = TextTable(header: ["NAME", "JOB", "ACCURACY", "CREATED", "PATH"])
        table.rows = models.map {
            [
                $0.name, String($0.jobId), $0.accuracy.map { PrintfFormatting.format("%.1f%%", $0 * 100) } ?? "",
                TimeFormatting.timestamp($0.createdAt), $0.path,
            ]
        }
        Console.out(table.render())
        return .success
    }

    /// The files `--file` names, or for `--print` the default one, or all of them.
    private func chosenFiles(from files: [ResultFile], id: Int64) throws(ClientError) -> [ResultFile] {
        let named = arguments.allValues("file")
        if !named.isEmpty {
            return try named.map { name throws(ClientError) in
                guard let file = files.first(where: { $0.name == name }) else {
                    throw .errorReply(ErrorReply(code: .notFound, message: "job \(id) has no result file \(name)"))
                }
                return file
            }
        }
        if arguments.has("print") {
            for name in Glarectl.printedByDefault {
                if let file = files.first(where: { $0.name == name }) { return [file] }
            }
            return []
        }
        return files
    }

    /// Downloads one file to `directory/name` through a temporary file, renamed when complete.
    private func download(
        _ file: ResultFile, of id: Int64, into directory: String, over connection: DaemonConnection
    ) throws -> String {
        let destination = URL(fileURLWithPath: directory).appendingPathComponent(file.name)
        let partial = destination.appendingPathExtension("part")
        try OutputFile.makeFolders(destination.deletingLastPathComponent().path)
        let output = try OutputFile(creatingAt: partial.path)
        try connection.fetchFile(id: id, name: file.name) { data throws(ClientError) in try output.write(data) }
        try output.close()
        try OutputFile.moveIntoPlace(partial.path, as: destination.path)
        return destination.path
    }
}
