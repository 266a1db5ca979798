package io.eventsource.core;

import io.eventsource.domain.Binding;
import io.eventsource.domain.EventId;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.CheckpointStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LogPage;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.LoggedEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Measures a binding's {@link BindingLag} through the ports only: the newest position of its type from the
 * {@link EventLog}, its checkpoint from the {@link CheckpointStore}, and its oldest unacked event by reading the type's
 * log after the checkpoint and asking the {@link AckStore} which of those events the binding has an ack for. The
 * sweeper reports it to {@link EventsourceMetrics#lag} after each run; an operator's tool reads it on demand.
 *
 * <p><b>Cost</b>: one read of the newest position, one of the checkpoint, then pages of {@value #PAGE_SIZE} events of
 * the type after the checkpoint with one ack query each, until the first unacked event, at most
 * {@value #MAX_PAGES} pages. Should every event of those pages have an ack, the age reported is that of the last
 * event read: the oldest unacked event is younger than that, so the age is then an upper bound. Thread-safe.
 */
public final class LagReader {
    static final int PAGE_SIZE = 500;
    static final int MAX_PAGES = 20;

    private final EventLog log;
    private final AckStore acks;
    private final CheckpointStore checkpoints;

    /** A reader on these ports. */
    public LagReader(EventLog log, AckStore acks, CheckpointStore checkpoints) {
        this.log = Objects.requireNonNull(log, "log");
        this.acks = Objects.requireNonNull(acks, "acks");
        this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
    }

    /**
     * The binding's lag at {@code now}, from its saved checkpoint.
     *
     * @throws io.eventsource.ports.PortException if a port cannot be reached
     */
    public BindingLag read(Binding binding, Instant now) {
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(now, "now");
        return read(binding, checkpoints.load(binding), log.newestPosition(binding.type()), now);
    }

    /** The binding's lag at {@code now} from a checkpoint and newest position the caller read (the sweeper). */
    BindingLag read(Binding binding, long checkpoint, long newestPosition, Instant now) {
        Duration age = Duration.ZERO;
        long after = checkpoint;
        LogQuery query = LogQuery.all().ofType(binding.type()).limit(PAGE_SIZE);
        for (int pages = 0; pages < MAX_PAGES && after < newestPosition; pages++) {
            LogPage page = log.read(query.after(after));
            List<LoggedEvent> events = page.events().stream()
                    .filter(logged -> logged.position() <= newestPosition).toList();
            if (events.isEmpty()) {
                break;
            }
            Set<EventId> acked = acks.acknowledged(binding.service(), binding.projection(),
                    events.stream().map(logged -> logged.event().id()).toList());
            for (LoggedEvent logged : events) {
                age = ageAt(logged, now);
                if (!acked.contains(logged.event().id())) {
                    return new BindingLag(binding, checkpoint, newestPosition, age);
                }
            }
            if (!page.hasMore()) {
                // everything up to the newest position has an ack
                return new BindingLag(binding, checkpoint, newestPosition, Duration.ZERO);
            }
            after = page.lastPosition();
        }
        return new BindingLag(binding, checkpoint, newestPosition,
                after >= newestPosition ? Duration.ZERO : age);
    }

    private static Duration ageAt(LoggedEvent logged, Instant now) {
        Duration age = Duration.between(logged.event().occurredAt(), now);
        return age.isNegative() ? Duration.ZERO : age;
    }
}
