// CONTRACT PLACEHOLDER: the model work replaces this body; the signature is the contract with the worker.
/// Runs a `train` job.
public enum TrainJob {
    /// Runs `spec` in `context` and says how it ended. Throws only for errors that fail the job;
    /// the worker turns a thrown error into a `failed` outcome with the error's description.
    public static func run(_ spec: JobSpec, context: JobContext) throws -> WorkerOutcome {
        fatalError("train jobs are not built yet")
    }
}
