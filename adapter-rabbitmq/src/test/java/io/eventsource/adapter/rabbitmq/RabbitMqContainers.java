package io.eventsource.adapter.rabbitmq;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.RabbitMQContainer;
import org.testcontainers.utility.DockerImageName;

import java.net.URI;
import java.util.Optional;

/** A RabbitMQ container, for machines with Docker and no local broker; started once per test run. */
final class RabbitMqContainers {
    private static RabbitMQContainer container;

    private RabbitMqContainers() {
    }

    static synchronized Optional<URI> start() {
        if (container == null) {
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                return Optional.empty();
            }
            container = new RabbitMQContainer(DockerImageName.parse("rabbitmq:3.10-management-alpine"));
            container.start(); // stopped by Testcontainers' reaper when the test JVM exits
        }
        return Optional.of(URI.create("amqp://" + container.getAdminUsername() + ":" + container.getAdminPassword()
                + "@" + container.getHost() + ":" + container.getAmqpPort()));
    }
}
