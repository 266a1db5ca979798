package io.eventsource.core.violation;

import java.time.Instant;

/** Breaks: time goes through the Scheduler port, never the wall clock or a sleep. */
public final class CoreSleeping {
    public Instant waitAMoment() throws InterruptedException {
        Thread.sleep(10);
        return Instant.now();
    }
}
