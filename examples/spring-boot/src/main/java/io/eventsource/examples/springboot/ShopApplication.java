package io.eventsource.examples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The README's scenario as one Spring Boot application on {@code eventsource-spring-boot-starter}: three services
 * project the events of {@code Product} aggregates, each its own way ({@link Catalog} for {@code products},
 * {@link Ads} for {@code ads}, {@link LegacyApi} for {@code api-legacy}), and a producer ({@link Scenario}) publishes
 * events over a hundred products, waits until every binding has acked every one, prints the acks per binding and
 * exits: 0 if every binding handled every event ok, 1 otherwise. The runtime comes from {@code application.properties}
 * (the {@code eventsource.*} and {@code spring.datasource.*} properties); the event log and the acks live on the
 * application's DataSource.
 *
 * <pre>{@code mvn -q -B -pl examples/spring-boot -am -DskipTests -Pdemo package}</pre>
 */
@SpringBootApplication
public class ShopApplication {

    /** Runs the scenario and exits with its status. */
    public static void main(String[] args) {
        System.exit(SpringApplication.exit(SpringApplication.run(ShopApplication.class, args)));
    }
}
