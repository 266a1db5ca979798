package io.eventsource.cli;

import io.eventsource.adapter.mysql.MySqlNamespace;
import io.eventsource.adapter.rabbitmq.RabbitMqNamespace;
import io.eventsource.adapter.redis.RedisNamespace;
import io.eventsource.core.LagReader;
import io.eventsource.core.ReplayEngine;
import io.eventsource.core.SystemScheduler;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.CheckpointStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.ServiceRegistry;

import java.util.ArrayList;
import java.util.List;

/**
 * One command's connections: the ports of {@link CliComponent}, opened on first use, and the adapters' namespace
 * tools. Closing closes what was opened, in reverse order, quietly: a command's result is already printed by then.
 */
final class Connections implements AutoCloseable {
    private final CliSettings settings;
    private final CliComponent component;
    private final List<AutoCloseable> opened = new ArrayList<>();
    /** The timers of a replay and of the broker's client; one thread is plenty for one command. */
    private final SystemScheduler scheduler = new SystemScheduler(1);

    Connections(CliSettings settings) {
        this.settings = settings;
        this.component = DaggerCliComponent.factory().create(settings.expiry(), settings.redis(), settings.mySql(),
                settings.rabbitMq(), scheduler);
    }

    CliSettings settings() {
        return settings;
    }

    ServiceRegistry registry() {
        return opened(component.serviceRegistry());
    }

    EventLog eventLog() {
        return opened(component.eventLog());
    }

    AckStore acks() {
        return opened(component.ackStore());
    }

    CheckpointStore checkpoints() {
        return opened(component.checkpointStore());
    }

    MessageBus messageBus() {
        return opened(component.messageBus());
    }

    /** A replay engine on these connections: the namespace's live instances handle what it sends. */
    ReplayEngine replays() {
        return new ReplayEngine(eventLog(), acks(), messageBus(), registry(), checkpoints(), scheduler);
    }

    LagReader lags() {
        return new LagReader(eventLog(), acks(), checkpoints());
    }

    /** The namespace's tables, read without migrating: a namespace without tables stays without. */
    MySqlNamespace database() {
        return MySqlNamespace.of(settings.mySql());
    }

    RedisNamespace redisKeys() {
        return RedisNamespace.of(settings.redis());
    }

    RabbitMqNamespace broker() {
        return RabbitMqNamespace.of(settings.rabbitMq());
    }

    private <T extends AutoCloseable> T opened(T port) {
        if (!opened.contains(port)) {
            opened.add(port);
        }
        return port;
    }

    @Override
    public void close() {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception ignored) {
                // the ports' close never throws by contract; nothing is left to report to an operator here
            }
        }
        scheduler.close();
    }
}
