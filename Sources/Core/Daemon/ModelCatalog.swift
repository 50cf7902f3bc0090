import Foundation

/// Trained models, as succeeded training jobs left them, and model references in specs.
///
/// A model is named by its training spec's `name`, else `model-<job id>`; its file is the job's
/// `results/model.glare`. A reference in a spec is a model's name (the newest of that name among
/// the caller's models), a training job's id, or a path to a model file.
struct ModelCatalog {
    let daemon: Daemon

    /// The models the caller may use: their own, or every one for an admin; newest first.
    func models(visibleTo caller: Caller) throws -> [ModelEntry] {
        let jobs = try daemon.store.list(includeFinished: true)
        return jobs.reversed().compactMap { job -> ModelEntry? in
            guard job.spec.kind == .train, job.state == .succeeded, caller.mayManage(job) else { return nil }
            let path = daemon.files.directory(of: job.id).model.path
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            return ModelEntry(
                name: job.spec.name ?? "model-\(job.id)", jobId: job.id, path: path,
                createdAt: job.finishedAt ?? job.createdAt,
                accuracy: job.summary?["test_accuracy"] ?? job.summary?["accuracy"])
        }
    }

    /// The model file `reference` names for `caller`.
    ///
    /// - Throws: `ErrorReply` with `not_found` and a sentence saying what was looked for.
    func resolve(_ reference: String, for caller: Caller) throws -> String {
        let trimmed = reference.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("/") { return try resolvePath(trimmed, for: caller) }
        if let id = Int64(trimmed) {
            guard let job = try daemon.store.job(id: id) else {
                throw ErrorReply(code: .notFound, message: "no job \(id) to take a model from")
            }
            guard job.spec.kind == .train else {
                throw ErrorReply(
                    code: .notFound, message: "job \(id) is a \(job.spec.kind.rawValue) job, not a training job")
            }
            guard caller.mayManage(job) else {
                throw ErrorReply(code: .denied, message: "job \(id) belongs to \(job.ownerName); use your own model")
            }
            guard job.state == .succeeded else {
                throw ErrorReply(
                    code: .notFound, message: "training job \(id) is \(job.state.rawValue), so it has no model")
            }
            return daemon.files.directory(of: id).model.path
        }
        // The caller's own model of that name first: an admin sees everyone's, but means their own.
        var ownView = caller
        ownView.isAdmin = false
        for visible in [try models(visibleTo: ownView), try models(visibleTo: caller)] {
            if let model = visible.first(where: { $0.name == trimmed }) { return model.path }
        }
        throw ErrorReply(
            code: .notFound,
            message:
                "no model named '\(trimmed)'; `glarectl models` lists them, or give a job id or a model file's path")
    }

    /// A path: checked to exist when the daemon may look on the owner's behalf.
    ///
    /// A root daemon does not stat paths for other users (it would tell them about files they
    /// cannot see); their worker opens the file as them and fails the job with a clear reason.
    private func resolvePath(_ path: String, for caller: Caller) throws -> String {
        let standardized = URL(fileURLWithPath: path).standardizedFileURL.path
        if SpecValidator.daemonMayLook(for: caller, daemonUid: daemon.daemonUid) {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: standardized, isDirectory: &isDirectory),
                !isDirectory.boolValue
            else {
                throw ErrorReply(code: .notFound, message: "no model file at \(standardized)")
            }
            // A file that is not a model, is damaged, or comes from a newer glare is refused now,
            // not after the job waited its turn.
            do {
                _ = try TensorArchive.read(from: URL(fileURLWithPath: standardized), magic: GlareModel.magic)
            } catch {
                throw ErrorReply(code: .invalidSpec, message: "\(error)")
            }
        }
        return standardized
    }
}
