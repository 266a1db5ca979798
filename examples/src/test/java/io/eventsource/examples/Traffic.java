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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A producer that keeps publishing at its own pace whatever its stores are doing, one event per publish, with
 * {@link Publisher#publishAsync} (so that a publish that retries through an outage does not hold back the next
 * ones): to a window of {@code window} products that slides by one product every {@code slide}, so that every
 * product gets a burst of events and then no news at all (an event left behind by a fault has no later event to
 * bring it). Each publish is recorded with how it ended; one that fails is recorded and the producer goes on, as an
 * application that handles the failure would.
 */
final class Traffic {
    /** How one publish ended: {@code sent}, {@code pending: reason}, or the exception it failed with. */
    record Outcome(String eventId, AggregateRef aggregate, Instant started, Instant ended, String result,
                   boolean failed) {
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
    private final List<CompletableFuture<?>> inFlight = new ArrayList<>(); // guarded by itself
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

    /** Publishes ended so far (sent, pending or failed). */
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

    /** Stops publishing, and waits until every publish has ended (within its deadline, or a minute at most). */
    List<Outcome> stop() throws InterruptedException {
        stopping = true;
        thread.join(TimeUnit.MINUTES.toMillis(1));
        List<CompletableFuture<?>> pending;
        synchronized (inFlight) {
            pending = List.copyOf(inFlight);
        }
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(1, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            // recorded as its outcome
        } catch (TimeoutException e) {
            // recorded below
        }
        if (thread.isAlive() || pending.stream().anyMatch(future -> !future.isDone())) {
            throw new AssertionError("publishes of " + label + " have not ended a minute after the producer stopped:"
                    + " publish hangs (" + pending.stream().filter(future -> !future.isDone()).count() + " of "
                    + pending.size() + ")");
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
            CompletableFuture<Publication> publishing;
            try {
                publishing = publisher.publishAsync(product, ExpectedVersion.ANY, List.of(event)).toCompletableFuture();
            } catch (RuntimeException e) {
                publishing = CompletableFuture.failedFuture(e);
            }
            CompletableFuture<?> recorded = publishing.handle((publication, failure) -> {
                Outcome outcome;
                if (failure != null) {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    outcome = new Outcome(id, product, started, Instant.now(), cause.toString(), true);
                } else {
                    String result = publication instanceof Publication.Pending pending
                            ? "pending: " + pending.reason() : "sent";
                    outcome = new Outcome(id, product, started, Instant.now(), result, false);
                }
                synchronized (outcomes) {
                    outcomes.add(outcome);
                }
                return null;
            });
            synchronized (inFlight) {
                inFlight.add(recorded);
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
