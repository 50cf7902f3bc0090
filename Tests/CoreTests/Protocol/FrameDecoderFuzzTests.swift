import Foundation
import Testing

@testable import Core

@Suite("Frame decoder fuzzing")
struct FrameDecoderFuzzTests {
    private enum Outcome: Hashable {
        case message, tooLarge, malformed, invalid, truncated, clean
    }

    /// Thousands of streams built from real frames, mutated at random and fed in random pieces:
    /// the decoder must never crash, never return a frame over the limit, and end every stream in
    /// a message, a typed error, or a clean or truncated end.
    @Test func decoder_withMutatedAndRandomStreams_alwaysReturnsAFrameOrATypedError() throws {
        var generator = SeededGenerator(seed: 20_260_412)
        let limit = 4096
        let encoder = FrameEncoder(maximumFrameSize: 1 << 20)
        let validFrames =
            try ProtocolSamples.requests.map { try encoder.encode($0) }
            + ProtocolSamples.replies.prefix(8).map { try encoder.encode($0) }
        var seen: [Outcome: Int] = [:]

        for _ in 0..<4000 {
            var stream = Data()
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                stream.append(contentsOf: mutated(validFrames.randomElement(using: &generator)!, using: &generator))
            }

            var decoder = FrameDecoder(maximumFrameSize: limit)
            var offset = 0
            var failedForGood = false
            while offset < stream.count && !failedForGood {
                let pieceLength = min(Int.random(in: 1...700, using: &generator), stream.count - offset)
                decoder.feed(stream[(stream.startIndex + offset)..<(stream.startIndex + offset + pieceLength)])
                offset += pieceLength
                while true {
                    do {
                        guard let payload = try decoder.nextFrame() else { break }
                        #expect(payload.count <= limit)
                        // Replies go through the same decoder on the client side; they must not crash it either.
                        _ = try? FrameDecoder.decode(Reply.self, from: payload)
                        do {
                            _ = try FrameDecoder.decode(Request.self, from: payload)
                            seen[.message, default: 0] += 1
                        } catch .malformedJSON {
                            seen[.malformed, default: 0] += 1
                        } catch .invalidMessage {
                            seen[.invalid, default: 0] += 1
                        } catch {
                            Issue.record("payload decoding threw \(error)")
                        }
                    } catch .frameTooLarge(let length, _) {
                        #expect(length > limit)
                        seen[.tooLarge, default: 0] += 1
                        failedForGood = true
                        break
                    } catch {
                        Issue.record("nextFrame threw \(error)")
                        break
                    }
                }
                #expect(decoder.bufferedByteCount >= 0)
            }

            do {
                try decoder.finish()
                seen[.clean, default: 0] += 1
            } catch .truncated(let received, let expected) {
                #expect(received > 0 && received < expected)
                seen[.truncated, default: 0] += 1
            } catch .frameTooLarge {
                #expect(failedForGood)
            } catch {
                Issue.record("finish threw \(error)")
            }
        }

        // The mutations must reach every branch, or this test proves less than it claims.
        for outcome in [Outcome.message, .tooLarge, .malformed, .invalid, .truncated, .clean] {
            #expect(seen[outcome, default: 0] > 0, "never saw \(outcome): \(seen)")
        }
    }

    /// A frame left alone, with bytes flipped, cut short, with a random length, or replaced by noise.
    private func mutated(_ frame: Data, using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = [UInt8](frame)
        switch Int.random(in: 0..<7, using: &generator) {
        case 0, 1:
            return bytes
        case 2:
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 4..<bytes.count, using: &generator)
                bytes[index] = UInt8.random(in: 0...255, using: &generator)
            }
            return bytes
        case 3:
            return Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
        case 4:
            for index in 0..<4 { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
            return bytes
        case 5:
            // A valid length around a payload of the wrong kind: JSON cut at a random place.
            let payload = bytes.dropFirst(4).prefix(Int.random(in: 0..<(bytes.count - 4), using: &generator))
            let length = UInt32(payload.count)
            return [
                UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff),
                UInt8(length & 0xff),
            ] + payload
        default:
            return (0..<Int.random(in: 0...64, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
        }
    }
}
