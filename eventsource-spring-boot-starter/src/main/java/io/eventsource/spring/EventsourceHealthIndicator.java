package io.eventsource.spring;

import io.eventsource.core.EventsourceOptions;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.ServiceRegistry;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The runtime's health at {@code /actuator/health/eventsource}: {@code broker} (whether the bus is connected),
 * {@code registry} (whether Redis answers a read of the bindings), {@code database} (whether the event log answers a
 * one-row read), each {@code UP} or {@code DOWN} with the error, and {@code relayBacklog}: how many events are still
 * unpublished past the relay's grace period (counted up to {@value #BACKLOG_LIMIT}), which the relay publishes once the
 * broker takes them. The whole is {@code DOWN} if one of the three is; a backlog alone does not make it so, since
 * nothing is lost (the log holds the events), but a growing one says the broker refuses them.
 *
 * <p>Each check reads through a port, without writing anything; a check of a port that the application replaced by
 * a bean of its own runs on that bean.
 */
final class EventsourceHealthIndicator implements HealthIndicator {
    static final int BACKLOG_LIMIT = 1000;

    private final MessageBus bus;
    private final ServiceRegistry registry;
    private final EventLog log;
    private final Supplier<Instant> clock;
    private final EventsourceOptions options;

    EventsourceHealthIndicator(MessageBus bus, ServiceRegistry registry, EventLog log, Scheduler scheduler,
                               EventsourceOptions options) {
        this.bus = bus;
        this.registry = registry;
        this.log = log;
        this.clock = scheduler == null ? Instant::now : scheduler::instant;
        this.options = options == null ? EventsourceOptions.defaults() : options;
    }

    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean up = true;
        if (bus != null) {
            boolean connected = bus.isConnected();
            details.put("broker", connected ? Status.UP.getCode() : Status.DOWN.getCode() + ": not connected");
            up &= connected;
        }
        if (registry != null) {
            up &= check(details, "registry", () -> Status.UP.getCode() + ", " + registry.bindings().size() + " bindings");
        }
        if (log != null) {
            boolean database = check(details, "database", () -> {
                log.read(LogQuery.all().limit(1));
                return null;
            });
            up &= database;
            if (database) {
                check(details, "relayBacklog", () -> {
                    int backlog = log.unpublished(clock.get().minus(options.relayGracePeriod()), BACKLOG_LIMIT).size();
                    return backlog >= BACKLOG_LIMIT ? "at least " + BACKLOG_LIMIT : backlog;
                });
            }
        }
        return (up ? Health.up() : Health.down()).withDetails(details).build();
    }

    /** Runs a read; puts UP (with what it returned) or DOWN (with the error) under {@code name}. */
    private static boolean check(Map<String, Object> details, String name, Supplier<Object> read) {
        try {
            Object value = read.get();
            details.put(name, value == null ? Status.UP.getCode() : value);
            return true;
        } catch (RuntimeException e) {
            details.put(name, Status.DOWN.getCode() + ": " + e.getMessage());
            return false;
        }
    }
}
