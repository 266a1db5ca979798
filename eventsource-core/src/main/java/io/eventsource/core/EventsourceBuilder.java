package io.eventsource.core;

import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.CheckpointStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.EventSerializer;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.ServiceRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds an {@link Eventsource} from its ports, for compositions without Dagger; {@link EventsourceModule} builds
 * the runtime of a Dagger component with it, so both ways make the same runtime. Get one from
 * {@link Eventsource#builder()}.
 *
 * <p>The four ports are required: {@link #eventLog}, {@link #ackStore}, {@link #messageBus} and
 * {@link #serviceRegistry}. The rest has defaults: real time (a {@link SystemScheduler} made for the runtime and
 * closed by {@link Eventsource#close()}), {@link ExpiryPolicy#seed()} and {@link EventsourceOptions#defaults()}.
 * The ports, and a scheduler that was given, belong to the caller, who closes them after the runtime.
 *
 * <p>Not thread-safe; {@link #build()} may be called more than once, each time for a new runtime on the same ports.
 */
public final class EventsourceBuilder {
    private EventLog eventLog;
    private AckStore ackStore;
    private MessageBus messageBus;
    private ServiceRegistry serviceRegistry;
    private Scheduler scheduler;
    private ExpiryPolicy expiry = ExpiryPolicy.seed();
    private EventsourceOptions options = EventsourceOptions.defaults();
    private EventSerializer serializer;
    private EventsourceMetrics metrics = EventsourceMetrics.NONE;
    private CheckpointStore checkpoints;
    private EventTracing tracing = EventTracing.NONE;

    EventsourceBuilder() {
    }

    /** The event log the runtime appends to and reads from. Required. */
    public EventsourceBuilder eventLog(EventLog eventLog) {
        this.eventLog = Objects.requireNonNull(eventLog, "eventLog");
        return this;
    }

    /** The store of the acks the runtime's listeners record. Required. */
    public EventsourceBuilder ackStore(AckStore ackStore) {
        this.ackStore = Objects.requireNonNull(ackStore, "ackStore");
        return this;
    }

    /** The broker connection the runtime publishes and consumes on. Required. */
    public EventsourceBuilder messageBus(MessageBus messageBus) {
        this.messageBus = Objects.requireNonNull(messageBus, "messageBus");
        return this;
    }

    /** The registry of who is listening. Required. */
    public EventsourceBuilder serviceRegistry(ServiceRegistry serviceRegistry) {
        this.serviceRegistry = Objects.requireNonNull(serviceRegistry, "serviceRegistry");
        return this;
    }

    /**
     * The clock and timers of the runtime, the same the adapters were given (a virtual one in tests). Without it,
     * each built runtime runs on a {@link SystemScheduler} of its own that its {@link Eventsource#close()} closes.
     */
    public EventsourceBuilder scheduler(Scheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        return this;
    }

    /**
     * The lifecycle durations, the same instance the adapters were given (the broker's queue expiry, the registry's
     * liveness TTL). Default: {@link ExpiryPolicy#seed()}.
     */
    public EventsourceBuilder expiry(ExpiryPolicy expiry) {
        this.expiry = Objects.requireNonNull(expiry, "expiry");
        return this;
    }

    /** The runtime's tunables. Default: {@link EventsourceOptions#defaults()}. */
    public EventsourceBuilder options(EventsourceOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        return this;
    }

    /**
     * The serializer of typed events ({@link Publisher#publish(io.eventsource.domain.AggregateRef, Object)},
     * {@link ProjectionBinding#on(Class, TypedEventHandler)}), e.g. {@code JacksonModule.serializer(...)}; without
     * one, the runtime publishes and handles bytes only and its typed methods say so.
     */
    public EventsourceBuilder serializer(EventSerializer serializer) {
        this.serializer = Objects.requireNonNull(serializer, "serializer");
        return this;
    }

    /**
     * What the runtime reports as it works (its meters), e.g. {@code MicrometerModule.metrics(meterRegistry)} of
     * {@code eventsource-micrometer}. Default: {@link EventsourceMetrics#NONE}, nothing reported.
     */
    public EventsourceBuilder metrics(EventsourceMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        return this;
    }

    /**
     * Where the listeners' sweepers keep their checkpoints (per binding, the log position up to which it has nothing
     * left to do), e.g. the MySQL adapter's, in the event log's database: a restarted listener then sweeps the log from
     * there. Default: none kept; a sweeper's checkpoints live in memory and after a restart it sweeps the events of
     * its {@link SweepPolicy#lookback() lookback} again.
     */
    public EventsourceBuilder checkpoints(CheckpointStore checkpoints) {
        this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
        return this;
    }

    /**
     * How traces cross from the producer to the handlers, e.g. {@code OpenTelemetryModule.tracing(openTelemetry)} of
     * {@code eventsource-opentelemetry}. Default: {@link EventTracing#NONE}, no trace captured or made current; the
     * listener still puts an event's {@code traceparent} in the SLF4J MDC around its handlers.
     */
    public EventsourceBuilder tracing(EventTracing tracing) {
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        return this;
    }

    /**
     * A new runtime on the ports given so far.
     *
     * @throws IllegalStateException if a required port was not given; the message names every one missing
     */
    public Eventsource build() {
        List<String> missing = new ArrayList<>();
        if (eventLog == null) {
            missing.add("eventLog(EventLog)");
        }
        if (ackStore == null) {
            missing.add("ackStore(AckStore)");
        }
        if (messageBus == null) {
            missing.add("messageBus(MessageBus)");
        }
        if (serviceRegistry == null) {
            missing.add("serviceRegistry(ServiceRegistry)");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Eventsource.builder() needs every port; missing: "
                    + String.join(", ", missing) + ". Give each its adapter's implementation (e.g. from the adapter's "
                    + "Dagger module) before build()");
        }
        SystemScheduler ownScheduler = scheduler == null ? new SystemScheduler() : null;
        Eventsource eventsource = new Eventsource(eventLog, ackStore, serviceRegistry, messageBus,
                ownScheduler == null ? scheduler : ownScheduler, expiry, options,
                serializer == null ? TypedEvents.NONE : new TypedEvents(serializer), metrics, tracing,
                ownScheduler);
        if (checkpoints != null) {
            eventsource.checkpoints(checkpoints);
        }
        return eventsource;
    }
}
