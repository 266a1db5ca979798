package io.eventsource.adapter.inmemory;

import io.eventsource.domain.ExchangeName;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.QueueName;
import io.eventsource.ports.MessageBus;
import io.eventsource.tck.MessageBusContract;
import org.junit.jupiter.api.AfterEach;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-memory broker keeps the message bus contract exactly, to the millisecond, on its virtual clock. */
class InMemoryMessageBusTest extends MessageBusContract {
    private final VirtualScheduler scheduler = new VirtualScheduler();
    private final InMemoryBroker broker = new InMemoryBroker(scheduler, ExpiryPolicy.SEED);
    private final Namespace namespace = Namespace.of("test.");

    @Override
    protected ExpiryPolicy expiryPolicy() {
        return broker.expiryPolicy();
    }

    @Override
    protected Namespace namespace() {
        return namespace;
    }

    @Override
    protected MessageBus connect() {
        return broker.connect(namespace);
    }

    @Override
    protected boolean queueExists(QueueName name) {
        return broker.queueExists(name);
    }

    @Override
    protected boolean exchangeExists(ExchangeName name) {
        return broker.exchangeExists(name);
    }

    @Override
    protected void crash(MessageBus connection) {
        broker.crash(connection);
    }

    @Override
    protected Duration margin() {
        return Duration.ofMillis(1);
    }

    @Override
    protected Instant now() {
        return scheduler.instant();
    }

    @Override
    protected void elapse(Duration duration) {
        scheduler.advanceBy(duration);
    }

    @Override
    protected boolean awaitsPartitionExpiry() {
        return true;
    }

    @Override
    protected Optional<Duration> declaredExpiry(QueueName name) {
        return broker.queueExpiry(name);
    }

    @AfterEach
    void noTaskFailed() {
        assertThat(scheduler.failures()).isEmpty();
    }
}
