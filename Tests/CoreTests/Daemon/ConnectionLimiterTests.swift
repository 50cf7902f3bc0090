import Testing

@testable import Core

@Suite("Connection limits")
struct ConnectionLimiterTests {
    @Test func oneUser_isHeldToTheLimit_andGetsRoomBackWhenAConnectionEnds() {
        let limiter = ConnectionLimiter()
        for _ in 0..<ConnectionLimiter.perUserLimit { #expect(limiter.admit(uid: 1000) == nil) }

        let refusal = limiter.admit(uid: 1000)

        #expect(refusal?.contains("uid 1000 has \(ConnectionLimiter.perUserLimit) connections") == true)
        #expect(limiter.admit(uid: 1001) == nil, "another user is not affected")
        limiter.release(uid: 1000)
        #expect(limiter.admit(uid: 1000) == nil)
    }

    @Test func root_isHeldToTheTotalOnly_whichHoldsForEveryone() {
        let limiter = ConnectionLimiter()
        for _ in 0..<ConnectionLimiter.totalLimit { #expect(limiter.admit(uid: 0) == nil) }

        #expect(limiter.admit(uid: 0)?.contains("\(ConnectionLimiter.totalLimit) connections at most") == true)
        #expect(limiter.admit(uid: 1000) != nil)
        limiter.release(uid: 0)
        #expect(limiter.admit(uid: 1000) == nil)
    }
}
