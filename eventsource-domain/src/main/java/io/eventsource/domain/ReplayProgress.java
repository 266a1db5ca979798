package io.eventsource.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Where a replay stands, as stored after each of its steps: every selected event at or below {@code lastPosition}
 * has been sent through its aggregate's queue.
 *
 * @param id the replay
 * @param binding the binding whose events are replayed
 * @param request what the replay selects
 * @param selected how many events the request selected when the replay started (a failure recorded later in the
 *                 range is sent too, so {@code sent} may end above it)
 * @param sent how many have been sent
 * @param lastPosition the log position up to which every selected event has been sent
 * @param upToPosition the last position the replay reads: the request's, or the newest when it started
 * @param finished whether every selected event has been sent
 * @param startedAt when the replay started
 * @param updatedAt when this progress was stored
 */
public record ReplayProgress(ReplayId id, Binding binding, ReplayRequest request, long selected, long sent,
                             long lastPosition, long upToPosition, boolean finished, Instant startedAt,
                             Instant updatedAt) {
    /**
     * Checks the figures.
     *
     * @throws NullPointerException if a value other than a number is null
     * @throws InvalidValueException if a count or position is negative, or {@code id} is not the request's
     */
    public ReplayProgress {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (selected < 0 || sent < 0 || lastPosition < 0 || upToPosition < 0) {
            throw new InvalidValueException("ReplayProgress counts and positions are 0 or more, got selected "
                    + selected + ", sent " + sent + ", last position " + lastPosition + ", up to " + upToPosition);
        }
        if (!id.equals(request.id())) {
            throw new InvalidValueException("ReplayProgress " + id + " holds the request of " + request.id());
        }
    }

    /** A replay that starts: nothing sent, reading from just before the request's first position. */
    public static ReplayProgress started(Binding binding, ReplayRequest request, long selected, long upToPosition,
                                         Instant now) {
        return new ReplayProgress(request.id(), binding, request, selected, 0, request.fromPosition() - 1,
                upToPosition, selected == 0, now, now);
    }

    /** This progress after {@code more} events were sent, up to {@code position}. */
    public ReplayProgress advanced(long more, long position, Instant now) {
        return new ReplayProgress(id, binding, request, selected, sent + more, Math.max(lastPosition, position),
                upToPosition, finished, startedAt, now);
    }

    /** This progress, finished. */
    public ReplayProgress done(Instant now) {
        return new ReplayProgress(id, binding, request, selected, sent, Math.max(lastPosition, upToPosition),
                upToPosition, true, startedAt, now);
    }

    /** How many selected events are still to send: 0 once finished. */
    public long remaining() {
        return finished ? 0 : Math.max(0, selected - sent);
    }

    /** The part sent, 0 to 1: what a progress bar draws. */
    public double fraction() {
        if (finished || selected == 0) {
            return 1.0;
        }
        return Math.min(1.0, (double) sent / selected);
    }

    /**
     * How long the rest takes at the request's throttle: the estimate a progress bar shows, at the earliest (a slow
     * broker or a pause to wait for a live instance of the service makes it longer).
     */
    public Duration eta() {
        return Duration.ofMillis(remaining() * 1000 / request.eventsPerSecond());
    }
}
