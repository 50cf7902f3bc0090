import Foundation
import Glibc

/// glared's command line: `glared [--state-dir DIR] [--socket PATH] [--config FILE]`.
///
/// Each path comes from the command line, else the configuration file, else the service
/// manager's directories (`STATE_DIRECTORY`, `RUNTIME_DIRECTORY`), else a default: for root
/// `/var/lib/glare` and `/run/glare/glared.sock`; for another user `$XDG_STATE_HOME/glare` (or
/// `~/.local/state/glare`) and `$XDG_RUNTIME_DIR/glare/glared.sock`.
public struct DaemonCommandLine: Sendable, Equatable {
    /// `--state-dir`.
    public var stateDirectory: String?
    /// `--socket`.
    public var socketPath: String?
    /// `--config`; nil for the default file, whose absence is fine.
    public var configurationFile: String?
    /// `--help`.
    public var wantsHelp = false
    /// `--version`.
    public var wantsVersion = false

    /// The usage text.
    public static let usage = """
        usage: glared [--state-dir DIR] [--socket PATH] [--config FILE]
               glared --version
          --state-dir DIR   the queue database and job directories
          --socket PATH     the Unix socket to listen on (unless systemd passes one)
          --config FILE     settings (default /etc/glare/glared.conf; see docs/configuration.md)
        """

    /// Parses the arguments after the program name.
    public init(parsing arguments: [String]) throws(ConfigurationError) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--help" || argument == "-h" {
                wantsHelp = true
                index += 1
                continue
            }
            if argument == "--version" {
                wantsVersion = true
                index += 1
                continue
            }
            var name = argument
            var value: String?
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                name = String(argument[..<equals])
                value = String(argument[argument.index(after: equals)...])
            }
            guard ["--state-dir", "--socket", "--config"].contains(name) else {
                throw .badArgument("unknown argument \(argument)\n\(DaemonCommandLine.usage)")
            }
            if value == nil {
                guard index + 1 < arguments.count else { throw .badArgument("\(name) needs a value") }
                value = arguments[index + 1]
                index += 1
            }
            index += 1
            guard let value, !value.isEmpty else { throw .badArgument("\(name) needs a value") }
            switch name {
            case "--state-dir": stateDirectory = value
            case "--socket": socketPath = value
            default: configurationFile = value
            }
        }
    }

    /// The configuration file and whether it must exist.
    public var configurationSource: (path: String, required: Bool) {
        (configurationFile ?? DaemonConfiguration.defaultPath, configurationFile != nil)
    }

    /// The state directory and socket to use, from the arguments, `configuration`, the environment and the defaults.
    public func resolvePaths(
        configuration: DaemonConfiguration, environment: [String: String], isRoot: Bool
    ) -> (stateDirectory: String, socketPath: String) {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let state =
            stateDirectory ?? configuration.stateDirectory
            ?? environment["STATE_DIRECTORY"].flatMap { $0.split(separator: ":").first.map(String.init) }
            ?? (isRoot ? "/var/lib/glare" : (environment["XDG_STATE_HOME"] ?? "\(home)/.local/state") + "/glare")
        let runtime = environment["RUNTIME_DIRECTORY"].flatMap { $0.split(separator: ":").first.map(String.init) }
        let socket =
            socketPath ?? configuration.socketPath ?? runtime.map { "\($0)/glared.sock" }
            ?? (isRoot
                ? "/run/glare/glared.sock"
                : "\(environment["XDG_RUNTIME_DIR"] ?? "/tmp/glare-\(getuid())")/glare/glared.sock")
        let absoluteState = URL(fileURLWithPath: state).standardizedFileURL.path
        let absoluteSocket = socket.hasPrefix("/") ? socket : URL(fileURLWithPath: socket).standardizedFileURL.path
        return (absoluteState, absoluteSocket)
    }
}
