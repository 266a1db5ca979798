package io.eventsource.domain.violation;

/** Breaks: time goes through the Scheduler port, never the wall clock. */
public final class DomainReadingTheClock {
    public long now() {
        return System.currentTimeMillis();
    }
}
