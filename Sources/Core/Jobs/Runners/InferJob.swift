import Foundation

/// Runs an `infer` job: the expression of every face in the given images and landmark files.
///
/// Landmarks of images come through the owner's landmark cache, so a photo seen before is not read
/// again. Each face becomes one `PredictionRow` (largest face first, or only the largest with the
/// option `largest=1`); an image without a face, a file that cannot be read and a bad landmark row
/// each become a row with status `no_face` or `error`, and the job goes on. The rows go to
/// `results/predictions.csv` and `results/predictions.json` (see `PredictionTable`); the summary
/// counts `files`, `faces`, `no_face` and `errors`. Progress events have phase `predicting`.
public enum InferJob {
    /// The options an infer job takes.
    static let knownOptions = ["largest"]
    /// Landmark rows predicted in one call, bounding the memory a large landmark file takes.
    static let batchSize = 1024

    /// Runs `spec` in `context` and says how it ended. Throws only for errors that fail the job;
    /// the worker turns a thrown error into a `failed` outcome with the error's description.
    public static func run(_ spec: JobSpec, context: JobContext) throws -> WorkerOutcome {
        guard let modelPath = spec.modelPath ?? spec.model else { throw RunnerInputError.missingModel(kind: .infer) }
        let model = try GlareModel.load(contentsOf: URL(fileURLWithPath: modelPath))
        return try run(
            spec, context: context, predictor: model, extractorVersion: FaceLandmarker.extractorVersion,
            makeExtractor: { try FaceLandmarker() })
    }

    /// Runs `spec` with the given model and extractor (tests inject ones that need no files or dlib).
    static func run(
        _ spec: JobSpec, context: JobContext, predictor: any ExpressionPredicting,
        extractorVersion: @autoclosure @escaping () -> String,
        makeExtractor: @escaping LandmarkExtractorFactory
    ) throws -> WorkerOutcome {
        let largestOnly = try readOptions(spec.options)
        guard !spec.inputs.isEmpty else { throw RunnerInputError.missingInputs }
        let inputs = InferInputs(paths: spec.inputs)
        let cache = LandmarkCache(
            cacheDirectory: context.landmarkCacheDirectory, extractorVersion: extractorVersion(),
            makeExtractor: makeExtractor)
        var runner = Runner(predictor: predictor, largestOnly: largestOnly)

        var throttle = ProgressThrottle(phase: "predicting", total: inputs.items.count)
        if let event = throttle.event(done: 0) { context.reportProgress(event) }
        var stopped = false
        for (index, item) in inputs.items.enumerated() {
            if context.stopRequested() {
                stopped = true
                break
            }
            switch item {
            case .missing(let path, let reason):
                runner.table.rows.append(.failure(file: path, face: nil, status: .error, message: reason))
            case .image(let url):
                try runner.predictImage(url, cache: cache)
            case .landmarkFile(let url):
                runner.predictLandmarkFile(url)
            }
            if let event = throttle.event(done: index + 1) { context.reportProgress(event) }
        }

        try runner.table.write(to: context.directory.results)
        let summary = runner.table.summary
        context.log(
            "predicted \(Int(summary["faces"] ?? 0)) faces in \(Int(summary["files"] ?? 0)) files; "
                + "\(Int(summary["no_face"] ?? 0)) without a face, \(Int(summary["errors"] ?? 0)) errors")
        if stopped {
            return WorkerOutcome(
                state: .interrupted, reason: "stopped on request; partial predictions written",
                summary: summary)
        }
        return WorkerOutcome(state: .succeeded, summary: summary)
    }

    /// Whether `largest=1` was asked for; refuses unknown options (also at submit).
    static func readOptions(_ options: [String: String]) throws(RunnerInputError) -> Bool {
        for key in options.keys.sorted() where !knownOptions.contains(key) {
            throw .unknownOption(kind: .infer, option: key, known: knownOptions)
        }
        switch options["largest"] {
        case nil, "0", "false": return false
        case "1", "true": return true
        case let value?: throw .badOptionValue(option: "largest", value: value, expected: "1 or 0")
        }
    }

    /// Turns files into rows.
    private struct Runner {
        let predictor: any ExpressionPredicting
        let largestOnly: Bool
        var table: PredictionTable

        init(predictor: any ExpressionPredicting, largestOnly: Bool) {
            self.predictor = predictor
            self.largestOnly = largestOnly
            table = PredictionTable(classNames: predictor.classNames)
        }

        mutating func predictImage(_ url: URL, cache: LandmarkCache) throws {
            let file = url.path
            switch try cache.faces(inImageAt: url) {
            case .failed(let reason):
                table.rows.append(.failure(file: file, face: nil, status: .error, message: reason))
            case .faces(let found):
                var faces = found.faces.sorted { $0.box.width * $0.box.height > $1.box.width * $1.box.height }
                if largestOnly { faces = Array(faces.prefix(1)) }
                guard !faces.isEmpty else {
                    table.rows.append(.failure(file: file, face: nil, status: .noFace, message: "no face found"))
                    return
                }
                let rows = predict(faces.map(\.landmarks)) { index in (file, index, faces[index].box) }
                table.rows += rows
            }
        }

        mutating func predictLandmarkFile(_ url: URL) {
            var pending: [(index: Int, landmarks: [Float])] = []
            var rowIndex = 0
            var rows: [PredictionRow] = []

            func flush() {
                let batch = pending
                rows += predict(batch.map(\.landmarks)) { position in (url.path, batch[position].index, nil) }
                pending.removeAll(keepingCapacity: true)
            }

            do {
                try OpenFaceLandmarkTable(url: url, labelColumn: nil).forEachRow { row in
                    defer { rowIndex += 1 }
                    switch row {
                    case .face(_, let landmarks, _):
                        pending.append((rowIndex, landmarks))
                        if pending.count == InferJob.batchSize { flush() }
                    case .bad(let line, let reason):
                        flush()
                        let status: PredictionRow.Status =
                            DroppedReason.code(of: reason) == "no_face" ? .noFace : .error
                        rows.append(
                            .failure(file: url.path, face: rowIndex, status: status, message: "line \(line): \(reason)")
                        )
                    }
                }
                flush()
            } catch {
                rows = [.failure(file: url.path, face: nil, status: .error, message: "\(error)")]
            }
            table.rows += rows
        }

        /// Rows for a batch of faces; `describe` gives each face's file, index and box.
        private func predict(
            _ landmarks: [[Float]], describe: (Int) -> (String, Int, FaceBox?)
        ) -> [PredictionRow] {
            guard !landmarks.isEmpty else { return [] }
            let classCount = predictor.classNames.count
            let probabilities = predictor.predictProbabilities(
                landmarks: landmarks.flatMap { $0 }, count: landmarks.count)

            return landmarks.indices.map { index in
                let (file, face, box) = describe(index)
                let start = index * classCount
                guard probabilities.count == landmarks.count * classCount,
                    probabilities[start..<start + classCount].allSatisfy(\.isFinite)
                else {
                    return .failure(
                        file: file, face: face, status: .error,
                        message: "the model gave no finite probabilities for this face")
                }
                let scores = Array(probabilities[start..<start + classCount])
                let top = scores.indices.max { scores[$0] < scores[$1] }!
                return PredictionRow(
                    file: file, face: face, box: box, probabilities: scores, topClass: predictor.classNames[top],
                    topProbability: scores[top], status: .ok, message: nil)
            }
        }
    }
}
