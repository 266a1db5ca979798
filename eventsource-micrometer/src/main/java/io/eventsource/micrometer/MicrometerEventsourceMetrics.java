package io.eventsource.micrometer;

import io.eventsource.core.EventsourceMetrics;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ServiceName;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

/**
 * {@link EventsourceMetrics} on a Micrometer registry. The meters of a tag set are looked up once and kept, per type,
 * per (service, type) and per binding, so that a report on a hot path is a map read and an increment: a map miss,
 * which registers the meters, happens once per tag set.
 */
final class MicrometerEventsourceMetrics implements EventsourceMetrics {
    private static final String TYPE = "type";
    private static final String SERVICE = "service";
    private static final String PROJECTION = "projection";

    private final MeterRegistry registry;
    private final ConcurrentMap<AggregateType, TypeMeters> byType = new ConcurrentHashMap<>();
    private final ConcurrentMap<ServiceName, ConcurrentMap<AggregateType, ServiceMeters>> byService =
            new ConcurrentHashMap<>();
    private final ConcurrentMap<Binding, BindingMeters> byBinding = new ConcurrentHashMap<>();
    private final ConcurrentMap<ServiceName, AtomicReference<IntSupplier>> consumers = new ConcurrentHashMap<>();
    private final AtomicLong relayBacklog = new AtomicLong();
    private final AtomicLong relayBacklogAgeNanos = new AtomicLong();

    MicrometerEventsourceMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("eventsource.relay.backlog", relayBacklog, AtomicLong::get)
                .description("Unpublished events past the grace period that the relay's last run left unpublished")
                .baseUnit("events")
                .register(registry);
        TimeGauge.builder("eventsource.relay.backlog.age", relayBacklogAgeNanos, TimeUnit.NANOSECONDS, AtomicLong::get)
                .description("Age of the oldest event that the relay's last run left unpublished")
                .register(registry);
    }

    @Override
    public void published(AggregateType type, int events, boolean sent, long latencyNanos) {
        TypeMeters meters = typeMeters(type);
        if (sent) {
            meters.sentEvents.increment(events);
            meters.sentLatency.record(latencyNanos, TimeUnit.NANOSECONDS);
        } else {
            meters.pendingEvents.increment(events);
            meters.pendingLatency.record(latencyNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void routeDeclared(AggregateType type) {
        typeMeters(type).routesDeclared.increment();
    }

    @Override
    public void routeRenewed(AggregateType type) {
        typeMeters(type).routesRenewed.increment();
    }

    @Override
    public void relayRan(long backlog, Duration oldestAge) {
        relayBacklog.set(backlog);
        relayBacklogAgeNanos.set(oldestAge.toNanos());
    }

    @Override
    public void delivered(ServiceName service, AggregateType type) {
        serviceMeters(service, type).deliveries.increment();
    }

    @Override
    public void handled(Binding binding, long durationNanos) {
        bindingMeters(binding).handlerDuration.record(durationNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void retried(Binding binding) {
        bindingMeters(binding).retries.increment();
    }

    @Override
    public void acked(Binding binding, boolean ok) {
        BindingMeters meters = bindingMeters(binding);
        (ok ? meters.acksOk : meters.acksFail).increment();
    }

    @Override
    public void parked(Binding binding) {
        bindingMeters(binding).parked.increment();
    }

    @Override
    public void lag(Binding binding, long events, Duration oldestUnackedAge) {
        BindingMeters meters = bindingMeters(binding);
        meters.lagEvents.set(events);
        meters.lagAgeNanos.set(oldestUnackedAge.toNanos());
    }

    @Override
    public void redriven(ServiceName service, AggregateType type) {
        serviceMeters(service, type).redrives.increment();
    }

    @Override
    public void refused(ServiceName service, AggregateType type) {
        serviceMeters(service, type).refused.increment();
    }

    @Override
    public void consumers(ServiceName service, IntSupplier active) {
        AtomicReference<IntSupplier> current = consumers.computeIfAbsent(service, name -> {
            AtomicReference<IntSupplier> reference = new AtomicReference<>(active);
            Gauge.builder("eventsource.consumers.active", reference, ref -> ref.get().getAsInt())
                    .description("Aggregate queues that the service's listener consumes now")
                    .tags(SERVICE, name.value())
                    .register(registry);
            return reference;
        });
        current.set(active);
    }

    private TypeMeters typeMeters(AggregateType type) {
        TypeMeters meters = byType.get(type);
        return meters != null ? meters : byType.computeIfAbsent(type, this::newTypeMeters);
    }

    private ServiceMeters serviceMeters(ServiceName service, AggregateType type) {
        ConcurrentMap<AggregateType, ServiceMeters> ofService = byService.get(service);
        if (ofService == null) {
            ofService = byService.computeIfAbsent(service, name -> new ConcurrentHashMap<>());
        }
        ServiceMeters meters = ofService.get(type);
        return meters != null ? meters : ofService.computeIfAbsent(type, t -> newServiceMeters(service, t));
    }

    private BindingMeters bindingMeters(Binding binding) {
        BindingMeters meters = byBinding.get(binding);
        return meters != null ? meters : byBinding.computeIfAbsent(binding, this::newBindingMeters);
    }

    private TypeMeters newTypeMeters(AggregateType type) {
        Tags tags = Tags.of(TYPE, type.value());
        Tags sent = tags.and("outcome", "sent");
        Tags pending = tags.and("outcome", "pending");
        return new TypeMeters(
                publishedEvents(sent), publishedEvents(pending), publishLatency(sent), publishLatency(pending),
                Counter.builder("eventsource.routes.declared")
                        .description("Routes of an aggregate (exchange, queues, bindings) declared on the broker")
                        .tags(tags).register(registry),
                Counter.builder("eventsource.routes.renewed")
                        .description("Routes of an aggregate renewed on the broker (their queues' expiry restarted)")
                        .tags(tags).register(registry));
    }

    private Counter publishedEvents(Tags tags) {
        return Counter.builder("eventsource.events.published")
                .description("Events of completed publish calls: sent to the broker, or appended and left to the relay")
                .baseUnit("events").tags(tags).register(registry);
    }

    private Timer publishLatency(Tags tags) {
        return Timer.builder("eventsource.publish.latency")
                .description("From a publish call to its completion")
                .tags(tags).register(registry);
    }

    private ServiceMeters newServiceMeters(ServiceName service, AggregateType type) {
        Tags tags = Tags.of(TYPE, type.value(), SERVICE, service.value());
        return new ServiceMeters(
                Counter.builder("eventsource.deliveries")
                        .description("Messages received from aggregate queues").tags(tags).register(registry),
                Counter.builder("eventsource.deliveries.refused")
                        .description("Messages dropped unhandled: not an event of the log, or out of tries")
                        .tags(tags).register(registry),
                Counter.builder("eventsource.sweeper.redrives")
                        .description("Aggregates that the sweeper re-drove because a binding had no ack")
                        .tags(tags).register(registry));
    }

    private BindingMeters newBindingMeters(Binding binding) {
        Tags tags = Tags.of(TYPE, binding.type().value(), SERVICE, binding.service().value(),
                PROJECTION, binding.projection().value());
        // the meters keep these alive: the gauges hold them weakly
        AtomicLong lagEvents = new AtomicLong();
        AtomicLong lagAgeNanos = new AtomicLong();
        Gauge.builder("eventsource.binding.lag", lagEvents, AtomicLong::get)
                .description("Newest log position of the binding's type minus the binding's checkpoint, as the "
                        + "sweeper's last run measured it")
                .baseUnit("events").tags(tags).register(registry);
        TimeGauge.builder("eventsource.binding.lag.age", lagAgeNanos, TimeUnit.NANOSECONDS, AtomicLong::get)
                .description("Age of the oldest event after the binding's checkpoint that it has no ack for")
                .tags(tags).register(registry);
        return new BindingMeters(
                Timer.builder("eventsource.handler.duration")
                        .description("One run of a handler, successful or not").tags(tags).register(registry),
                Counter.builder("eventsource.handler.retries")
                        .description("Handler failures retried after a backoff").tags(tags).register(registry),
                acks(tags.and("status", "ok")),
                acks(tags.and("status", "fail")),
                Counter.builder("eventsource.aggregates.parked")
                        .description("Aggregates parked by a failed ack under the policy that parks")
                        .tags(tags).register(registry),
                lagEvents, lagAgeNanos);
    }

    private Counter acks(Tags tags) {
        return Counter.builder("eventsource.acks")
                .description("Acks recorded durably, by status").tags(tags).register(registry);
    }

    private record TypeMeters(Counter sentEvents, Counter pendingEvents, Timer sentLatency, Timer pendingLatency,
                              Counter routesDeclared, Counter routesRenewed) {
    }

    private record ServiceMeters(Counter deliveries, Counter refused, Counter redrives) {
    }

    private record BindingMeters(Timer handlerDuration, Counter retries, Counter acksOk, Counter acksFail,
                                 Counter parked, AtomicLong lagEvents, AtomicLong lagAgeNanos) {
    }
}
