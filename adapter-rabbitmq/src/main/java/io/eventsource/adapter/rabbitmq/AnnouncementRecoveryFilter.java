package io.eventsource.adapter.rabbitmq;

import com.rabbitmq.client.impl.recovery.RecordedBinding;
import com.rabbitmq.client.impl.recovery.RecordedConsumer;
import com.rabbitmq.client.impl.recovery.RecordedExchange;
import com.rabbitmq.client.impl.recovery.RecordedQueue;
import com.rabbitmq.client.impl.recovery.TopologyRecoveryFilter;
import io.eventsource.domain.Namespace;

import java.util.regex.Pattern;

/**
 * Lets amqp-client's topology recovery re-create only the announcement topology (the {@code {Type}AggregateIds}
 * exchanges, the {@code {Type}AggregateIds-{service}} queues, their bindings and consumers) after a reconnect. The
 * client remembers everything ever declared on a connection; re-declaring every per-aggregate queue and exchange,
 * long expired, one blocking call at a time, would resurrect them and stall the reconnect. Aggregate objects are
 * declared outside the client's records in the first place ({@link RabbitMqMessageBus}); this filter is the second
 * guard. It tells the two kinds apart by the {@link io.eventsource.domain.Topology} grammar: under the namespace, an
 * announcement name is an aggregate type (no {@code -}) followed by {@code AggregateIds}, while every aggregate name
 * has a {@code -} right after its type.
 */
final class AnnouncementRecoveryFilter implements TopologyRecoveryFilter {
    private static final Pattern ANNOUNCEMENT_EXCHANGE = Pattern.compile("[A-Za-z][A-Za-z0-9_]*AggregateIds");
    private static final Pattern ANNOUNCEMENT_QUEUE = Pattern.compile("[A-Za-z][A-Za-z0-9_]*AggregateIds-[A-Za-z0-9_.-]+");
    private final Namespace namespace;

    AnnouncementRecoveryFilter(Namespace namespace) {
        this.namespace = namespace;
    }

    boolean isAnnouncementExchange(String name) {
        return underNamespace(name, ANNOUNCEMENT_EXCHANGE);
    }

    boolean isAnnouncementQueue(String name) {
        return underNamespace(name, ANNOUNCEMENT_QUEUE);
    }

    private boolean underNamespace(String name, Pattern pattern) {
        String prefix = namespace.prefix();
        return name != null && name.startsWith(prefix) && pattern.matcher(name.substring(prefix.length())).matches();
    }

    @Override
    public boolean filterExchange(RecordedExchange exchange) {
        return isAnnouncementExchange(exchange.getName());
    }

    @Override
    public boolean filterQueue(RecordedQueue queue) {
        return isAnnouncementQueue(queue.getName());
    }

    @Override
    public boolean filterBinding(RecordedBinding binding) {
        return isAnnouncementExchange(binding.getSource()) && isAnnouncementQueue(binding.getDestination());
    }

    @Override
    public boolean filterConsumer(RecordedConsumer consumer) {
        return isAnnouncementQueue(consumer.getQueue());
    }
}
