import GlareProtocol

/// glarectl's commands, options and help texts, in one place so the help and the parser agree.
public enum GlarectlCommandLine {
    /// The parser for glarectl's command line.
    public static let parser = CommandLineParser(
        programName: "glarectl",
        summary: "submit and follow glare jobs (train, evaluate, infer, extract) on glared.",
        commands: commands,
        globalOptions: [
            OptionDefinition(
                "socket", .value(placeholder: "PATH"),
                help: "glared's socket (default: $GLARE_SOCKET, your own glared's, the system's)")
        ],
        epilogue: epilogue)

    /// The options every job-submitting command shares.
    static let submitOptions: [OptionDefinition] = [
        OptionDefinition(
            "option", .repeatedValue(placeholder: "KEY=VALUE"), help: "a setting for the model, trainer or reader"),
        OptionDefinition("group", .value(placeholder: "GROUP"), help: "scheduling group (default: the job's kind)"),
        OptionDefinition("after", .repeatedValue(placeholder: "ID"), help: "start only after job ID succeeded"),
        OptionDefinition("priority", .value(placeholder: "N"), help: "higher runs first among your jobs (default 0)"),
        OptionDefinition("follow", short: "f", help: "follow the job's log and exit with its outcome"),
        OptionDefinition("json", help: "print the job as JSON instead of its id"),
    ]

    static let datasetOption = OptionDefinition(
        "dataset", .value(placeholder: "SPEC"), help: "dataset spec, e.g. builtin:synthetic, ferg:/data/FERG_DB_256")
    static let modelOption = OptionDefinition(
        "model", .value(placeholder: "MODEL"), help: "a model name, a training job's id or a model file")
    static let jsonOption = OptionDefinition("json", help: "print JSON")
    static let oneJob = PositionalDefinition("ID")
    static let someJobs = PositionalDefinition("ID", minimum: 1, maximum: nil)

    static let commands: [CommandDefinition] = [
        CommandDefinition(
            "train", summary: "train a model on a dataset",
            options: [
                datasetOption,
                OptionDefinition("name", .value(placeholder: "NAME"), help: "the model's name (default model-<id>)"),
                OptionDefinition("epochs", .value(placeholder: "N"), help: "training epochs (default 30)"),
                OptionDefinition(
                    "variant", .value(placeholder: "V"),
                    help: "landmarks, regions or full (default), each optionally -gcn (default) or -gat"),
            ] + submitOptions,
            details: [
                "example: glarectl train --dataset builtin:synthetic --epochs 40 --follow   (4,000 synthetic faces)",
                "dataset specs: builtin:NAME, affectnet:DIR, ferg:DIR, folder:DIR, landmarks:FILE.csv;",
                "reader options follow a '?', e.g. builtin:synthetic?samples=4000&seed=7.",
            ]),
        CommandDefinition(
            "evaluate", summary: "measure a trained model on a dataset",
            options: [modelOption, datasetOption] + submitOptions),
        CommandDefinition(
            "infer", summary: "predict the expression of every face in images or landmark files",
            positionals: PositionalDefinition("FILE|DIR", minimum: 1, maximum: nil),
            options: [modelOption] + submitOptions,
            details: ["the predictions (one row per face) are the job's results: glarectl result ID --print"]),
        CommandDefinition(
            "extract", summary: "extract a dataset's landmarks into the cache", options: [datasetOption] + submitOptions
        ),
        CommandDefinition(
            "list", summary: "list waiting and running jobs",
            options: [OptionDefinition("all", short: "a", help: "include finished jobs"), jsonOption]),
        CommandDefinition("show", summary: "show one job", positionals: oneJob, options: [jsonOption]),
        CommandDefinition(
            "logs", summary: "print a job's log", positionals: oneJob,
            options: [OptionDefinition("follow", short: "f", help: "keep printing until the job ends")]),
        CommandDefinition("cancel", summary: "cancel jobs", positionals: someJobs),
        CommandDefinition(
            "wait", summary: "wait until jobs end; exit 0 only if every one succeeded", positionals: someJobs,
            options: [jsonOption]),
        CommandDefinition(
            "retry", summary: "submit a failed or cancelled job again", positionals: oneJob, options: [jsonOption]),
        CommandDefinition("remove", summary: "delete a finished job and its files", positionals: oneJob),
        CommandDefinition(
            "result", summary: "list or download a job's result files", positionals: oneJob,
            options: [
                OptionDefinition("output", short: "o", .value(placeholder: "DIR"), help: "download the files into DIR"),
                OptionDefinition(
                    "file", .repeatedValue(placeholder: "NAME"), help: "only this file (with -o or --print)"),
                OptionDefinition(
                    "print", help: "write a file to standard output (default: predictions.csv, else metrics.json)"),
                jsonOption,
            ]),
        CommandDefinition("models", summary: "list trained models", options: [jsonOption]),
        CommandDefinition("status", summary: "show the queue's counts and the daemon's state", options: [jsonOption]),
        CommandDefinition("drain", summary: "stop starting jobs; running ones go on (admin)"),
        CommandDefinition("resume", summary: "start jobs again after drain (admin)"),
        CommandDefinition(
            "set-parallelism", summary: "set how many jobs a group runs at once (admin)",
            positionals: PositionalDefinition("GROUP COUNT", minimum: 2, maximum: 2)),
        CommandDefinition(
            "reload", summary: "make glared re-read its configuration file and wait until it has (admin)"),
        CommandDefinition("shutdown", summary: "stop glared; running jobs resume when it starts again (admin)"),
    ]

    /// What `glarectl --version` prints.
    public static var versionText: String {
        "glarectl \(GlareRelease.version) (protocol \(WireProtocol.version))"
    }

    static var epilogue: [String] {
        let statuses = ExitStatus.allCases.map { "  \($0.rawValue)  \($0.explanation)" }
        return [
            "socket: --socket, else $GLARE_SOCKET, else $XDG_RUNTIME_DIR/glare/glared.sock if it exists,",
            "else \(SocketLocator.systemSocketPath).",
            "",
            "glarectl --version prints glarectl's release and protocol version; glarectl status, glared's.",
            "",
            "exit status:",
        ] + statuses
    }
}
