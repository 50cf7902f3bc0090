import Foundation
import Testing

@testable import Core
@testable import GlareClient

@Suite("JobSubmission")
struct JobSubmissionTests {
    func submission(_ arguments: [String], in directory: String = "/home/ada/work") throws -> JobSubmission {
        guard case .run(let parsed) = try GlarectlCommandLine.parser.parse(arguments) else {
            throw UsageError.invalid("help instead of a command")
        }
        return try JobSubmission(parsed, workingDirectory: directory)
    }

    @Test func train_keepsABuiltinDataset_andReadsEveryField() throws {
        let job = try submission([
            "train", "--dataset", "builtin:synthetic?samples=300", "--name", "tiny", "--epochs", "2", "--variant",
            "regions", "--option", "batch_size=32", "--priority", "5", "--after", "3", "--group", "night",
        ])
        #expect(job.spec.kind == .train)
        #expect(job.spec.dataset == "builtin:synthetic?samples=300")
        #expect(job.spec.name == "tiny")
        #expect(job.spec.epochs == 2)
        #expect(job.spec.variant == "regions")
        #expect(job.spec.options == ["batch_size": "32"])
        #expect(job.spec.group == "night")
        #expect(job.priority == 5)
        #expect(job.after == [3])
    }

    /// `glarectl infer --model m photos/*` over twenty thousand photos made a request larger than
    /// a frame, and glarectl said only "protocol error: frame of 1200100 bytes is larger than...".
    @Test func infer_withMoreInputsThanARequestHolds_isAUsageErrorThatSuggestsTheFolder() throws {
        let inputs = (0..<20_000).map { "photos/face_with_a_rather_long_file_name_\($0).jpg" }

        let error = try #require(throws: UsageError.self) { try submission(["infer", "--model", "m"] + inputs) }

        #expect("\(error)".contains("20000 inputs"), "\(error)")
        #expect("\(error)".contains("folder"), "\(error)")
        // A thousand are well within it.
        #expect(try submission(["infer", "--model", "m"] + inputs.prefix(1000)).spec.inputs.count == 1000)
    }

    @Test func train_makesARelativeDatasetPathAbsolute_keepingItsOptions() throws {
        let job = try submission(["train", "--dataset", "ferg:../data/FERG?split=0.8"])
        #expect(job.spec.dataset == "ferg:/home/ada/data/FERG?split=0.8")
    }

    @Test func infer_makesInputsAbsolute_andKeepsANameOrJobIdAsGiven() throws {
        let job = try submission(["infer", "--model", "ferg-full", "photos/a.jpg", "/srv/b.png", "./c"])
        #expect(job.spec.kind == .infer)
        #expect(job.spec.model == "ferg-full")
        #expect(job.spec.inputs == ["/home/ada/work/photos/a.jpg", "/srv/b.png", "/home/ada/work/c"])
        #expect(try submission(["infer", "--model", "17", "x.jpg"]).spec.model == "17")
    }

    @Test func evaluate_makesAModelPathAbsolute() throws {
        let job = try submission(["evaluate", "--model", "runs/model.glare", "--dataset", "landmarks:faces.csv"])
        #expect(job.spec.model == "/home/ada/work/runs/model.glare")
        #expect(job.spec.dataset == "landmarks:/home/ada/work/faces.csv")
    }

    @Test func paths_expandALeadingTilde_thatTheShellLeftInside() throws {
        let home = ["HOME": "/home/ada"]
        let parsed = try GlarectlCommandLine.parser.parse(["train", "--dataset", "folder:~/faces?min_size=40"])
        guard case .run(let arguments) = parsed else { throw UsageError.invalid("help instead of a command") }
        let job = try JobSubmission(arguments, workingDirectory: "/srv", environment: home)
        #expect(job.spec.dataset == "folder:/home/ada/faces?min_size=40")

        #expect(JobSubmission.absolutePath("~", in: "/srv", environment: home) == "/home/ada")
        #expect(JobSubmission.absolutePath("a/~/b", in: "/srv", environment: home) == "/srv/a/~/b")
        #expect(TildeExpansion.expand("~root/models", environment: [:]) == "/root/models")
        #expect(TildeExpansion.expand("~no-such-user-here/x", environment: home) == "~no-such-user-here/x")
    }

    @Test func submission_rejectsMissingAndMalformedParts() {
        #expect(throws: UsageError.missingArgument("--dataset SPEC", command: "train")) {
            try submission(["train", "--epochs", "3"])
        }
        #expect(throws: UsageError.missingArgument("--model MODEL", command: "infer")) {
            try submission(["infer", "a.jpg"])
        }
        #expect(throws: UsageError.self) { try submission(["train", "--dataset", "nokind"]) }
        #expect(throws: UsageError.self) { try submission(["train", "--dataset", "imagenet:/x"]) }
        #expect(throws: UsageError.badValue(option: "--option", value: "novalue", expected: "key=value")) {
            try submission(["extract", "--dataset", "builtin:synthetic", "--option", "novalue"])
        }
    }
}
