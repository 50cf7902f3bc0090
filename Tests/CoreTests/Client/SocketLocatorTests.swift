import Testing

@testable import Core
@testable import GlareClient

@Suite("SocketLocator")
struct SocketLocatorTests {
    @Test func socketPath_prefersOptionThenEnvironmentThenRuntimeDirectoryThenSystem() {
        let everything = ["GLARE_SOCKET": "/env.sock", "XDG_RUNTIME_DIR": "/run/user/1000"]
        let withUserSocket = SocketLocator(environment: everything) { $0 == "/run/user/1000/glare/glared.sock" }
        #expect(withUserSocket.socketPath(explicit: "/opt.sock") == "/opt.sock")
        #expect(withUserSocket.socketPath(explicit: nil) == "/env.sock")

        let noVariable = SocketLocator(environment: ["XDG_RUNTIME_DIR": "/run/user/1000"]) {
            $0 == "/run/user/1000/glare/glared.sock"
        }
        #expect(noVariable.socketPath(explicit: nil) == "/run/user/1000/glare/glared.sock")

        let noUserSocket = SocketLocator(environment: ["XDG_RUNTIME_DIR": "/run/user/1000"]) { _ in false }
        #expect(noUserSocket.socketPath(explicit: nil) == SocketLocator.systemSocketPath)
        #expect(
            SocketLocator(environment: ["GLARE_SOCKET": ""]) { _ in false }.socketPath(explicit: "")
                == "/run/glare/glared.sock")
    }
}
