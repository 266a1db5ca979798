package io.eventsource.testkit;

import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.core.Eventsource;
import io.eventsource.core.Listener;
import io.eventsource.core.ProjectionBinding;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.MessageBus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One instance of a service, as one process of it would be: a runtime of its own on the kit's stores and broker,
 * with a broker connection and a view of the clock of its own, so that it can crash alone. It is the
 * {@link Listener} that the test holds; the kit reads from it which bindings are running, to know what
 * {@link EventsourceKit#settle()} waits for.
 */
final class ServiceInstance implements Listener {
    private enum State { NEW, RUNNING, STOPPED, CRASHED }

    private final String name;
    private final Eventsource runtime;
    private final Listener listener;
    private final MessageBus connection;
    private final InstanceScheduler scheduler;
    private final InMemoryBroker broker;
    private final List<Binding> bindings = new ArrayList<>();
    private State state = State.NEW;
    private Instant startedAt;

    ServiceInstance(String name, Eventsource runtime, ServiceName service, MessageBus connection,
                    InstanceScheduler scheduler, InMemoryBroker broker) {
        this.name = name;
        this.runtime = runtime;
        this.listener = runtime.listener(service);
        this.connection = connection;
        this.scheduler = scheduler;
        this.broker = broker;
    }

    @Override
    public ServiceName service() {
        return listener.service();
    }

    @Override
    public synchronized ProjectionBinding listen(AggregateType type, Projection projection) {
        requireNotCrashed();
        ProjectionBinding binding = listener.listen(type, projection);
        bindings.add(binding.binding());
        return binding;
    }

    @Override
    public synchronized void start() {
        requireNotCrashed();
        listener.start();
        startedAt = scheduler.instant();
        state = State.RUNNING;
    }

    /**
     * Stops the whole instance gracefully, as a process that is shut down: its listener finishes the events in
     * progress (once the clock moves), its relay stops. Its bindings are no longer waited for by
     * {@link EventsourceKit#settle()}.
     *
     * @throws IllegalStateException if the instance crashed: nothing runs in it any more
     */
    @Override
    public synchronized CompletionStage<Void> stop() {
        requireNotCrashed();
        state = State.STOPPED;
        return runtime.stop();
    }

    /** As {@link #stop()}, without waiting: settle or advance the kit's clock to let the work in progress finish. */
    @Override
    public void close() {
        stop();
    }

    @Override
    public long refusedDeliveries() {
        return listener.refusedDeliveries();
    }

    @Override
    public long droppedAnnouncements() {
        return listener.droppedAnnouncements();
    }

    /**
     * Kills the instance: nothing it scheduled runs any more, and its broker connection dies, so that the broker
     * hands its unacknowledged messages and its queues to the other instances.
     *
     * @throws IllegalStateException if it crashed already
     */
    synchronized void crash() {
        requireNotCrashed();
        state = State.CRASHED;
        scheduler.kill();
        broker.crash(connection);
    }

    /** The end of the test: a graceful stop unless it crashed or stopped already. */
    synchronized void shutDown() {
        if (state == State.NEW || state == State.RUNNING) {
            state = State.STOPPED;
            runtime.stop();
        }
    }

    /** The bindings this instance handles events for now: none unless it was started and neither stopped nor crashed. */
    synchronized List<Binding> runningBindings() {
        return state == State.RUNNING ? List.copyOf(bindings) : List.of();
    }

    /** When it started; null before. */
    synchronized Instant startedAt() {
        return startedAt;
    }

    private void requireNotCrashed() {
        if (state == State.CRASHED) {
            throw new IllegalStateException(name + " has crashed: nothing runs in it any more; start another instance"
                    + " with EventsourceKit.listener");
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
