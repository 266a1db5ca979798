package io.eventsource.ports;

import io.eventsource.domain.Binding;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.ReplayId;
import io.eventsource.domain.ReplayProgress;
import io.eventsource.domain.ServiceName;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where each binding's checkpoint is kept: the position in the whole log at or below which the binding has nothing
 * left to do (every event it is owed there has an ack, or waits for a replay). A sweeper reads the log from it after a
 * restart instead of from the start. A checkpoint never moves back: of the positions saved for a binding, the highest
 * is kept, so instances of a service that save the same binding's checkpoint may race; only a reset of the binding
 * ({@link #rewind}) moves it back.
 *
 * <p>It also keeps the progress of replays ({@link ReplayProgress}), so that a replay interrupted by a crash goes on
 * from where it stood.
 *
 * <p>Implementations are thread-safe.
 */
public interface CheckpointStore extends AutoCloseable {

    /**
     * The binding's checkpoint: the highest position saved for it, 0 if none was saved.
     *
     * @throws PortException if the store cannot be reached
     */
    long load(Binding binding);

    /**
     * Keeps {@code position} as the binding's checkpoint unless the store holds a higher one.
     *
     * @throws InvalidValueException if {@code position} is negative
     * @throws PortException if the store cannot be reached; the stored checkpoint is then unchanged
     */
    void save(Binding binding, long position);

    /**
     * Every saved checkpoint of the service's bindings, by binding; a binding never saved is absent.
     *
     * @throws PortException if the store cannot be reached
     */
    Map<Binding, Long> loadAll(ServiceName service);

    /**
     * Moves the binding's checkpoint back to {@code position} if it is above: a projection rebuilt from there. A
     * checkpoint at or below it is kept.
     *
     * @throws InvalidValueException if {@code position} is negative
     * @throws PortException if the store cannot be reached; the stored checkpoint is then unchanged
     */
    void rewind(Binding binding, long position);

    /**
     * Stores the replay's progress under its id, replacing what was stored under it; durable when this returns.
     *
     * @throws PortException if the store cannot be reached; what was stored is then unchanged
     */
    void saveReplay(ReplayProgress progress);

    /**
     * The progress stored under the replay's id, if any.
     *
     * @throws PortException if the store cannot be reached
     */
    Optional<ReplayProgress> loadReplay(ReplayId id);

    /**
     * The progress of every replay of the service's bindings, finished or not, oldest start first.
     *
     * @throws PortException if the store cannot be reached
     */
    List<ReplayProgress> replays(ServiceName service);

    /**
     * Checks a position given to {@link #save}.
     *
     * @throws InvalidValueException if it is negative
     */
    static long requireValid(long position) {
        if (position < 0) {
            throw new InvalidValueException(
                    "a checkpoint is a log position, 0 or more; got " + position);
        }
        return position;
    }

    /** Releases resources. Never throws. */
    @Override
    default void close() {
    }
}
