import Testing

@testable import SluiceProducer

/// The sender sleeps until a deadline or a wake-up; a wake-up before the sleep is not lost.
@Suite struct SenderWakeupTests {
    @Test func signalBeforeWaitReturnsAtOnce() async {
        let wakeup = SenderWakeup()
        wakeup.signal()
        let started = ContinuousClock.now
        await wakeup.wait(timeout: .seconds(10))
        #expect(started.duration(to: .now) < .seconds(1))
    }

    @Test func waitEndsAtItsTimeoutWithoutSignal() async {
        let wakeup = SenderWakeup()
        let started = ContinuousClock.now
        await wakeup.wait(timeout: .milliseconds(50))
        #expect(started.duration(to: .now) >= .milliseconds(50))
        // The timeout leaves no pending wake-up behind.
        let again = ContinuousClock.now
        await wakeup.wait(timeout: .milliseconds(30))
        #expect(again.duration(to: .now) >= .milliseconds(30))
    }

    @Test func signalWakesASleepingWaiter() async {
        let wakeup = SenderWakeup()
        let sleeper = Task {
            let started = ContinuousClock.now
            await wakeup.wait(timeout: nil)
            return started.duration(to: .now)
        }
        try? await Task.sleep(for: .milliseconds(20))
        wakeup.signal()
        #expect(await sleeper.value < .seconds(5))
    }

    @Test func cancellationEndsAnUnboundedWait() async {
        let wakeup = SenderWakeup()
        let sleeper = Task { await wakeup.wait(timeout: nil) }
        try? await Task.sleep(for: .milliseconds(10))
        sleeper.cancel()
        await sleeper.value
    }
}
