package io.eventsource.examples;

import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.core.Eventsource;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** The demo on {@link InMemoryComposition}: time passes by advancing the virtual clock. */
final class InMemoryStack implements DemoStack {
    /** How far the clock moves between two looks at whether the demo has settled. */
    private static final Duration STEP = Duration.ofMillis(50);

    private final InMemoryComposition composition;
    private final VirtualScheduler clock;
    private final Instant startedAt;

    private InMemoryStack(InMemoryComposition composition) {
        this.composition = composition;
        this.clock = composition.scheduler();
        this.startedAt = clock.instant();
    }

    static InMemoryStack open() {
        return new InMemoryStack(DaggerInMemoryComposition.factory().create(ExpiryPolicy.seed()));
    }

    @Override
    public String name() {
        return "inmemory";
    }

    @Override
    public Eventsource eventsource() {
        return composition.eventsource();
    }

    @Override
    public EventLog eventLog() {
        return composition.eventLog();
    }

    @Override
    public AckStore ackStore() {
        return composition.ackStore();
    }

    @Override
    public boolean awaitUntil(BooleanSupplier settled, Duration limit) {
        Instant deadline = clock.instant().plus(limit);
        clock.runDueTasks();
        while (!settled.getAsBoolean()) {
            if (!clock.instant().isBefore(deadline)) {
                return false;
            }
            clock.advanceBy(STEP);
        }
        return true;
    }

    @Override
    public Duration elapsed() {
        return Duration.between(startedAt, clock.instant());
    }

    @Override
    public void close() {
        composition.eventsource().stop();
        clock.advanceBy(Duration.ofSeconds(1));
        composition.broker().stop();
    }
}
