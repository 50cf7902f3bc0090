import Foundation

/// Checks a submitted spec and fills in what the worker needs, so a bad job is refused at submit
/// time with a clear message and nothing is queued.
///
/// Checks: the kind's required fields (a dataset for train, evaluate and extract; a model for
/// evaluate and infer; inputs for infer), the dataset spec's syntax and the reader's own check
/// (`DatasetLoader.validate`: name, options, path), absolute paths, epochs above
/// zero, a job's options (a training job's through `TrainOptions`: every key known, every value
/// readable, the architecture consistent; the other kinds' through their runners' own checks), and the model reference, which must resolve (a name, a training job's id, or a file) and
/// becomes `modelPath`.
struct SpecValidator {
    let daemon: Daemon
    let caller: Caller

    /// The spec as it is stored: validated, with `modelPath` filled in.
    func validate(_ spec: JobSpec) throws -> JobSpec {
        var spec = spec
        if [.train, .evaluate, .extract].contains(spec.kind) {
            guard let text = spec.dataset, !text.isEmpty else {
                throw invalid("a \(spec.kind.rawValue) job needs a dataset (for example builtin:synthetic)")
            }
            let dataset: DatasetSpec
            do {
                dataset = try DatasetSpec(parsing: text)
            } catch {
                throw invalid("\(error)")
            }
            if dataset.kind != .builtin {
                guard dataset.location.hasPrefix("/") else {
                    throw invalid("the dataset path \(dataset.location) must be absolute")
                }
            }
            // The reader's own check (name, options, path kind) looks at the file system, which a
            // root daemon does not do for other users; their worker checks as them.
            // TODO(validation): check a dataset's options without its path for other users too.
            if dataset.kind == .builtin || SpecValidator.daemonMayLook(for: caller, daemonUid: daemon.daemonUid) {
                do {
                    try DatasetLoader.validate(dataset)
                } catch {
                    throw invalid("\(error)")
                }
            }
        }
        do {
            switch spec.kind {
            case .train: _ = try TrainOptions(variant: spec.variant, epochs: spec.epochs, options: spec.options)
            case .evaluate: _ = try EvaluateJob.readOptions(spec.options)
            case .infer: _ = try InferJob.readOptions(spec.options)
            case .extract:
                if let key = spec.options.keys.sorted().first {
                    throw RunnerInputError.unknownOption(kind: .extract, option: key, known: [])
                }
            }
        } catch {
            throw invalid("\(error)")
        }
        if spec.kind == .infer {
            guard !spec.inputs.isEmpty else { throw invalid("an infer job needs files or folders to read") }
            for input in spec.inputs { try checkPath(input, what: "input") }
        }
        if let epochs = spec.epochs, epochs <= 0 { throw invalid("epochs must be at least 1, got \(epochs)") }
        if let name = spec.name { try checkModelName(name) }
        if let group = spec.group { try checkGroupName(group) }

        if spec.kind == .evaluate || spec.kind == .infer {
            guard let reference = spec.model, !reference.isEmpty else {
                throw invalid("a \(spec.kind.rawValue) job needs a model: a name, a training job's id or a file")
            }
            do {
                spec.modelPath = try ModelCatalog(daemon: daemon).resolve(reference, for: caller)
            } catch let failure as ErrorReply {
                // Another user's model is a denial, with its own exit status in glarectl; a model
                // that is missing or not a model makes the spec invalid.
                guard failure.code == .denied else { throw invalid(failure.message) }
                throw failure
            }
        } else {
            spec.modelPath = nil
        }
        return spec
    }

    /// Whether the daemon may check paths for `caller`: it runs as the caller, or the caller is root.
    static func daemonMayLook(for caller: Caller, daemonUid: UInt32) -> Bool {
        caller.uid == daemonUid || caller.uid == 0
    }

    /// A path must be absolute; it must exist when the daemon may look on the caller's behalf.
    private func checkPath(_ path: String, what: String) throws {
        guard path.hasPrefix("/") else { throw invalid("the \(what) path \(path) must be absolute") }
        guard SpecValidator.daemonMayLook(for: caller, daemonUid: daemon.daemonUid) else { return }
        guard FileManager.default.fileExists(atPath: path) else { throw invalid("no \(what) at \(path)") }
    }

    /// A job's name is how `--model` finds its model again, so it must read as a name: not a path
    /// (`/`), not a job id (all digits), printable and short.
    private func checkModelName(_ name: String) throws {
        guard !name.isEmpty, name.count <= 100 else { throw invalid("a name has 1 to 100 characters") }
        guard !name.contains("/") else { throw invalid("a name cannot hold '/': \(name) would be read as a path") }
        guard !name.allSatisfy(\.isNumber) else {
            throw invalid("a name cannot be only digits: \(name) would be read as a job id")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw invalid("a name cannot hold control characters")
        }
    }

    /// A group is printed in every user's `glarectl list` and named in `parallelism.<group>`: it
    /// must not hold what would move a terminal's cursor, forge a row or split a column.
    private func checkGroupName(_ group: String) throws {
        guard !group.isEmpty, group.count <= 64 else { throw invalid("a group name has 1 to 64 characters") }
        let unprintable = group.unicodeScalars.contains { scalar in
            scalar.properties.isWhitespace
                || [.control, .format, .lineSeparator, .paragraphSeparator].contains(scalar.properties.generalCategory)
        }
        guard !unprintable else { throw invalid("a group name cannot hold spaces or control characters") }
    }

    private func invalid(_ message: String) -> ErrorReply { ErrorReply(code: .invalidSpec, message: message) }
}
