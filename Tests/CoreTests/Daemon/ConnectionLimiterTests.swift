import Testing

@testable import Core

@Suite("Connection limits")
struct ConnectionLimiterTests {
    @Test func oneUser_isHeldToTheLimit_andGetsRoomBackWhenAConnectionEnds() {
        let limiter = ConnectionLimiter()
        func admit(_ uid: UInt32) -> String? { limiter.admit(uid: uid, totalLimit: 100, perUserLimit: 5) }
        for _ in 0..<5 { #expect(admit(1000) == nil) }

        let refusal = admit(1000)

        #expect(refusal?.contains("uid 1000 has 5 connections") == true)
        #expect(admit(1001) == nil, "another user is not affected")
        limiter.release(uid: 1000)
        #expect(admit(1000) == nil)
    }

    @Test func root_isHeldToTheTotalOnly_whichHoldsForEveryone() {
        let limiter = ConnectionLimiter()
        func admit(_ uid: UInt32) -> String? { limiter.admit(uid: uid, totalLimit: 8, perUserLimit: 2) }
        for _ in 0..<8 { #expect(admit(0) == nil) }

        #expect(admit(0)?.contains("8 connections at most") == true)
        #expect(admit(1000) != nil)
        limiter.release(uid: 0)
        #expect(admit(1000) == nil)
    }

    @Test func limits_takeTheValuesOfEachAdmission_soAReloadAppliesToTheNextConnection() {
        let limiter = ConnectionLimiter()
        for _ in 0..<3 { #expect(limiter.admit(uid: 1000, totalLimit: 100, perUserLimit: 3) == nil) }
        #expect(limiter.admit(uid: 1000, totalLimit: 100, perUserLimit: 3) != nil)
        #expect(limiter.admit(uid: 1000, totalLimit: 100, perUserLimit: 4) == nil)
    }
}
