package io.eventsource.examples;

import io.eventsource.core.Publication;
import io.eventsource.core.Publisher;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A producer that keeps publishing, one event per publish, as an application does whatever its stores are doing:
 * to a window of {@code window} products that slides by one product every {@code slide}, so that every product gets
 * a burst of events and then no news at all (an event left behind by a fault has no later event to bring it). Each
 * publish is recorded with how it ended; a publish that throws is recorded and the producer goes on, as an
 * application that catches the failure would.
 */
final class Traffic {
    /** How one publish ended: {@code sent}, {@code pending: reason}, or the exception it threw. */
    record Outcome(String eventId, AggregateRef aggregate, Instant started, Instant ended, String result,
                   boolean threw) {
        Duration took() {
            return Duration.between(started, ended);
        }
    }

    private final Publisher publisher;
    private final String label;
    private final int window;
    private final Duration slide;
    private final Duration pause;
    private final List<Outcome> outcomes = new ArrayList<>(); // guarded by itself
    private final Thread thread;
    private volatile boolean stopping;

    /**
     * @param label the prefix of the products' ids and of the events' ids ({@code label-7}, {@code label-e123})
     * @param pause between two publishes
     */
    Traffic(Publisher publisher, String label, int window, Duration slide, Duration pause) {
        this.publisher = publisher;
        this.label = label;
        this.window = window;
        this.slide = slide;
        this.pause = pause;
        this.thread = new Thread(this::run, "traffic-" + label);
        thread.setDaemon(true);
    }

    /** The prefix of the ids of the products it publishes to. */
    String productPrefix() {
        return label + "-";
    }

    Traffic start() {
        thread.start();
        return this;
    }

    /** Publishes returned so far (sent, pending or thrown). */
    int published() {
        synchronized (outcomes) {
            return outcomes.size();
        }
    }

    List<Outcome> outcomes() {
        synchronized (outcomes) {
            return List.copyOf(outcomes);
        }
    }

    /** Stops after the publish in progress, and waits for it. */
    List<Outcome> stop() throws InterruptedException {
        stopping = true;
        thread.join(TimeUnit.MINUTES.toMillis(2));
        if (thread.isAlive()) {
            throw new AssertionError("a publish of " + label + " has not returned 2 minutes after the producer was"
                    + " told to stop: publish hangs");
        }
        return outcomes();
    }

    private void run() {
        long start = System.nanoTime();
        long n = 0;
        while (!stopping) {
            long slot = (System.nanoTime() - start) / slide.toNanos();
            AggregateRef product = AggregateRef.of(Demo.PRODUCT.value(), productPrefix() + (slot + n % window));
            String id = label + "-e" + n;
            NewEvent event = new NewEvent(EventId.of(id), EventName.of("PriceChanged"),
                    Payload.json("{\"n\":" + n + "}"), Map.of(), Instant.now());
            Instant started = Instant.now();
            Outcome outcome;
            try {
                Publication publication = publisher.publish(product, ExpectedVersion.ANY, List.of(event));
                String result = publication instanceof Publication.Pending pending ? "pending: " + pending.reason()
                        : "sent";
                outcome = new Outcome(id, product, started, Instant.now(), result, false);
            } catch (RuntimeException e) {
                outcome = new Outcome(id, product, started, Instant.now(), e.toString(), true);
            }
            synchronized (outcomes) {
                outcomes.add(outcome);
            }
            n++;
            try {
                // the producer's pace, not a wait for anything
                TimeUnit.NANOSECONDS.sleep(pause.toNanos());
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
