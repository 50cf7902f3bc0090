import FoundationEssentials
import GlareClient
import Glibc

// A closed pipe must surface as EPIPE from write(2), handled in Console, not kill the process.
_ = signal(SIGPIPE, SIG_IGN)

let status = Glarectl.main(Array(CommandLine.arguments.dropFirst()))
exit(status.rawValue)
