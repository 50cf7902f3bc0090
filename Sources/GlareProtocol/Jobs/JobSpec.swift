/// What the user asked a job to do: the part of a job that the client sends and the worker reads.
///
/// The daemon validates a spec at submit time (kind, dataset spec syntax, model reference) and
/// writes it to the job directory as `spec.json`; the worker resolves every path in it as the
/// job's owner.
public struct JobSpec: Codable, Sendable, Equatable {
    /// What the job does.
    public var kind: JobKind
    /// A dataset spec such as `builtin:synthetic`, `ferg:/data/FERG_DB_256` (train, evaluate, extract).
    public var dataset: String?
    /// A model reference: a model name, a training job's id or a model file's path (evaluate, infer).
    /// The daemon resolves names and job ids to a file path before the worker starts (`modelPath`).
    public var model: String?
    /// The model file the worker loads, filled in by the daemon from `model`.
    public var modelPath: String?
    /// Image or landmark files and folders (infer).
    public var inputs: [String]
    /// A name for the trained model (train); defaults to `model-<job id>`.
    public var name: String?
    /// Number of training epochs (train).
    public var epochs: Int?
    /// The model variant, for example `landmarks`, `regions`, `full`, `full-gat` (train).
    public var variant: String?
    /// The scheduling group; defaults to the kind's name.
    public var group: String?
    /// Further `key=value` settings passed to the model, the trainer or the reader.
    public var options: [String: String]

    /// Creates a spec.
    public init(
        kind: JobKind, dataset: String? = nil, model: String? = nil, modelPath: String? = nil,
        inputs: [String] = [], name: String? = nil, epochs: Int? = nil, variant: String? = nil,
        group: String? = nil, options: [String: String] = [:]
    ) {
        self.kind = kind
        self.dataset = dataset
        self.model = model
        self.modelPath = modelPath
        self.inputs = inputs
        self.name = name
        self.epochs = epochs
        self.variant = variant
        self.group = group
        self.options = options
    }

    /// The group the job is scheduled in.
    public var effectiveGroup: String { group ?? kind.rawValue }
}
