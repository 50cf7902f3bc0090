import CGlareSystem
import Foundation
import Glibc
import Synchronization

/// glared's end of a `glare-worker --zygote`: starts it, asks it for workers, and notices when it is gone.
///
/// The zygote is glared's child, started on first use with a SOCK_SEQPACKET socket as its standard
/// input. A request that fails on the socket (the zygote died, hung past `replyTimeout`, or
/// answered nonsense) stops and reaps it and returns nil, so the caller spawns that worker instead;
/// the next zygote is tried after `restartPause`. glared never depends on the zygote to live.
final class WorkerZygoteConnection: Sendable {
    /// Seconds glared waits for the zygote's answer before it gives up on it.
    static let replyTimeout = 10
    /// Seconds between a zygote's failure and the next attempt to start one.
    static let restartPause = 30.0

    private struct State {
        var socket: Int32 = -1
        var processId: Int32 = 0
        var nextAttempt = 0.0
    }

    private let workerExecutable: String
    private let log: JournalLog
    private let state = Mutex(State())

    init(workerExecutable: String, log: JournalLog) {
        self.workerExecutable = workerExecutable
        self.log = log
    }

    /// The zygote's pid while one runs.
    var processId: Int32? {
        state.withLock { $0.processId > 0 ? $0.processId : nil }
    }

    deinit {
        state.withLock { WorkerZygoteConnection.stop(&$0) }
    }

    /// Asks the zygote for a worker with `arguments` and `environment`, its output on `log`.
    ///
    /// - Returns: the worker's pid, or nil when the zygote could not make it (the caller spawns it).
    func startWorker(arguments: [String], environment: [String: String], log logDescriptor: Int32) -> Int32? {
        state.withLock { state -> Int32? in
            if state.socket < 0 {
                guard Date().timeIntervalSince1970 >= state.nextAttempt else { return nil }
                do {
                    try start(&state)
                } catch {
                    log.warning("cannot start the worker zygote; workers are spawned", ["GLARE_ERROR": "\(error)"])
                    state.nextAttempt = Date().timeIntervalSince1970 + WorkerZygoteConnection.restartPause
                    return nil
                }
            }

            let reply: ZygoteReply
            do {
                reply = try ask(
                    state.socket, ZygoteRequest(arguments: arguments, environment: environment), logDescriptor)
            } catch {
                log.warning(
                    "the worker zygote failed; workers are spawned until it is back", ["GLARE_ERROR": "\(error)"])
                WorkerZygoteConnection.stop(&state)
                state.nextAttempt = Date().timeIntervalSince1970 + WorkerZygoteConnection.restartPause
                return nil
            }
            guard let pid = reply.processId, pid > 0 else {
                log.warning("the worker zygote could not start a worker", ["GLARE_ERROR": reply.error ?? "no pid"])
                return nil
            }
            // The child is ours (CLONE_PARENT): put it in its own group now, as the shell does for
            // a job, so the group exists before anyone signals it whichever of us runs first. A
            // child that already ended (ESRCH) is reaped as usual.
            if setpgid(pid, pid) != 0 && errno != ESRCH {
                log.warning(
                    "cannot put a worker in its own process group", ["GLARE_ERROR": "\(SystemCallError("setpgid"))"])
            }
            return pid
        }
    }

    /// Starts the zygote with one end of a new socket pair as its standard input.
    private func start(_ state: inout State) throws(SystemCallError) {
        var ends: [Int32] = [-1, -1]
        guard glare_seqpacket_pair(&ends) == 0 else { throw SystemCallError("socketpair") }
        defer { close(ends[1]) }
        var timeout = timeval(tv_sec: WorkerZygoteConnection.replyTimeout, tv_usec: 0)
        guard setsockopt(ends[0], SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
            close(ends[0])
            throw SystemCallError("setsockopt SO_RCVTIMEO")
        }
        // One BLAS thread in the zygote itself: OpenBLAS starts its threads when it loads, and a
        // process with threads must not fork. Each worker's own count comes with its request.
        let environment = WorkerZygote.environment(["PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"])
        do {
            state.processId = try ProcessSpawner.spawn(
                executable: workerExecutable, arguments: WorkerZygote.arguments, environment: environment,
                outputFileDescriptor: 2, inputFileDescriptor: ends[1])
        } catch {
            close(ends[0])
            throw error
        }
        state.socket = ends[0]
    }

    /// Sends one request with the log attached and reads the answer.
    private func ask(_ socket: Int32, _ request: ZygoteRequest, _ logDescriptor: Int32) throws -> ZygoteReply {
        let message = try JSONEncoder().encode(request)
        let sent = message.withUnsafeBytes { glare_send_message(socket, $0.baseAddress, $0.count, logDescriptor) }
        guard sent == message.count else { throw SystemCallError("send a request to the worker zygote") }

        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var descriptor: Int32 = -1
        let received = buffer.withUnsafeMutableBytes {
            glare_receive_message(socket, $0.baseAddress, $0.count, &descriptor)
        }
        if descriptor >= 0 { close(descriptor) }
        guard received > 0 else {
            throw received == 0
                ? SystemCallError("the worker zygote closed its socket", code: EPIPE)
                : SystemCallError("receive the worker zygote's answer")
        }
        return try JSONDecoder().decode(ZygoteReply.self, from: Data(buffer[0..<received]))
    }

    /// Closes the socket (a live zygote then exits by itself), kills the zygote and reaps it.
    private static func stop(_ state: inout State) {
        if state.socket >= 0 { close(state.socket) }
        if state.processId > 0 {
            kill(state.processId, SIGKILL)
            _ = try? ProcessSpawner.waitForExit(state.processId)
        }
        state = State(socket: -1, processId: 0, nextAttempt: state.nextAttempt)
    }
}
