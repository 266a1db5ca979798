package io.eventsource.adapter.rabbitmq;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.eventsource.ports.Credentials;
import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.PortException;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeoutException;

/** Opens connections as the bus needs them: automatic recovery on, topology recovery limited to announcements. */
final class RabbitMqConnections {
    private RabbitMqConnections() {
    }

    static ConnectionFactory factory(RabbitMqSettings settings) {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(settings.uri());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // the client's message may quote parts of the URI (a path, a user information with two colons): redact
            // it too, and keep the cause out, since its message is not redacted
            throw new PermanentPortException("Cannot use the broker URI " + settings.redactedUri() + ": "
                    + Credentials.redact(e.getMessage()) + " (" + e.getClass().getSimpleName() + ")");
        }
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setTopologyRecoveryFilter(new AnnouncementRecoveryFilter(settings.namespace()));
        factory.setNetworkRecoveryInterval(settings.recoveryInterval().toMillis());
        factory.setConnectionTimeout((int) settings.connectionTimeout().toMillis());
        factory.setHandshakeTimeout((int) settings.connectionTimeout().toMillis());
        // the client's default lets a declaration wait 10 minutes for a broker that does not answer
        factory.setChannelRpcTimeout((int) settings.connectionTimeout().toMillis());
        // the client refuses a larger body while reading its header, by closing the whole connection: the bus then
        // drops that message from its queue (OversizedMessages), so that it cannot come back with every reconnect
        factory.setMaxInboundMessageBodySize(settings.maxInboundMessageSize());
        return factory;
    }

    /**
     * @throws PortException when the broker cannot be reached (transient) or refuses the credentials (permanent)
     */
    static Connection open(RabbitMqSettings settings) {
        return open(factory(settings), settings);
    }

    static Connection open(ConnectionFactory factory, RabbitMqSettings settings) {
        try {
            return factory.newConnection("eventsource " + settings.namespace());
        } catch (IOException | TimeoutException e) {
            throw BrokerFailures.translate("Connecting to RabbitMQ at " + settings.redactedUri(), e);
        }
    }
}
