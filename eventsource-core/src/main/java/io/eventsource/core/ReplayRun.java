package io.eventsource.core;

import io.eventsource.domain.ReplayId;
import io.eventsource.domain.ReplayProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A replay in progress in this process ({@link ReplayEngine#replay}, {@link ProjectionBinding#replay}): its progress
 * after each step, for a progress bar ({@link ReplayProgress#fraction()}, {@link ReplayProgress#eta()}), and a stage
 * that completes when it has sent every selected event. The same progress is stored, so that another process can show
 * it ({@link ReplayEngine#progress}).
 *
 * <p>Thread-safe.
 */
public final class ReplayRun {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayRun.class);

    private final CompletableFuture<ReplayProgress> done = new CompletableFuture<>();
    private volatile ReplayProgress progress;
    private volatile boolean paused;
    private volatile String waitingFor;

    ReplayRun(ReplayProgress progress) {
        this.progress = progress;
    }

    /** The replay's id: the same request under it goes on from the stored progress. */
    public ReplayId id() {
        return progress.id();
    }

    /** Where the replay stands now: events selected, sent and remaining. */
    public ReplayProgress progress() {
        return progress;
    }

    /**
     * Why the replay does not go on now, if it waits: for a live instance of the service, or for the lease of another
     * process that drives the same replay (one that crashed holds it until it lapses); empty while it goes on.
     */
    public Optional<String> waitingFor() {
        return Optional.ofNullable(waitingFor);
    }

    /**
     * Completes with the last progress when the replay has sent every selected event (then
     * {@link ReplayProgress#finished()}) or was paused (not finished: the same request goes on from there), or
     * exceptionally if a store failed for good ({@link io.eventsource.ports.PermanentPortException}). The events sent
     * are handled by the service's consumers after that, as their queues go.
     */
    public CompletionStage<ReplayProgress> done() {
        return done;
    }

    /** Stops the replay after its current step; its progress stays stored, and the same request goes on from it. */
    public void pause() {
        paused = true;
    }

    boolean isPaused() {
        return paused;
    }

    void advanced(ReplayProgress next) {
        progress = next;
    }

    void waiting(String reason) {
        if (!reason.equals(waitingFor)) {
            LOG.info("{}", reason);
        }
        waitingFor = reason;
    }

    void going() {
        waitingFor = null;
    }

    void finish(ReplayProgress last) {
        progress = last;
        done.complete(last);
    }

    void fail(Throwable cause) {
        done.completeExceptionally(cause);
    }
}
