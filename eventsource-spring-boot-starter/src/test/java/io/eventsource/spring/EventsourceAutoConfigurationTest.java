package io.eventsource.spring;

import io.eventsource.adapter.inmemory.InMemoryAckStoreModule;
import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.InMemoryEventLogModule;
import io.eventsource.adapter.inmemory.InMemoryServiceRegistryModule;
import io.eventsource.adapter.mysql.MySqlPorts;
import io.eventsource.core.Eventsource;
import io.eventsource.core.EventsourceMetrics;
import io.eventsource.core.Publisher;
import io.eventsource.core.SystemScheduler;
import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Payload;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.ServiceRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

class EventsourceAutoConfigurationTest {
    private static final AggregateRef PRODUCT = AggregateRef.of("Product", "42");

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EventsourceAutoConfiguration.class));

    /** A typed event of the tests. */
    record PriceChanged(long price) {
    }

    /** Handlers as annotated methods: a typed one, one by event name, in two services. */
    static class Handlers {
        final List<String> handled = Collections.synchronizedList(new ArrayList<>());

        @EventsourceHandler(type = "Product", projection = "prices", service = "ads")
        void on(PriceChanged changed, Event envelope) {
            handled.add("ads:prices " + changed.price() + " #" + envelope.sequence());
        }

        @EventsourceHandler(type = "Product", projection = "audit", event = "Renamed")
        void renamed(Event event) {
            handled.add("audit " + event.name().value());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Import(InMemoryPorts.class)
    static class WithHandlers {
        @Bean
        Handlers handlers() {
            return new Handlers();
        }

        @Bean
        EventsourceProjection legacy(Handlers handlers) {
            return EventsourceProjection.of("api-legacy", "Product", "projections",
                    binding -> binding.onAny(event -> handlers.handled.add("api-legacy:projections "
                            + event.name().value())));
        }
    }

    @Test
    void buildsTheRuntimeOnTheApplicationsPortsAndHandsEveryEventToEveryBinding() {
        runner.withUserConfiguration(WithHandlers.class)
                .withPropertyValues("eventsource.service=catalog")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(Eventsource.class)
                            .hasSingleBean(SystemScheduler.class).doesNotHaveBean(MySqlPorts.class);
                    assertThat(context.getBean(EventsourceListeners.class).listeners()).hasSize(3);
                    Publisher publisher = context.getBean(Publisher.class);
                    List<Event> published = new ArrayList<>();
                    published.addAll(publisher.publish(PRODUCT, new PriceChanged(1299)).events());
                    published.addAll(publisher.publish(PRODUCT, EventName.of("Renamed"), Payload.json("{}")).events());

                    Handlers handlers = context.getBean(Handlers.class);
                    List<Binding> bindings = List.of(Binding.of("ads", "Product", "prices"),
                            Binding.of("catalog", "Product", "audit"),
                            Binding.of("api-legacy", "Product", "projections"));
                    AckStore acks = context.getBean(AckStore.class);
                    assertThat(awaitUntil(() -> okAcks(acks, published, bindings) == published.size() * bindings.size()))
                            .as("every event acked ok by every binding; handled: %s", handlers.handled).isTrue();
                    assertThat(handlers.handled).containsExactlyInAnyOrder("ads:prices 1299 #1",
                            "audit Renamed", "api-legacy:projections PriceChanged",
                            "api-legacy:projections Renamed");
                });
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwnRuntime() {
        runner.withUserConfiguration(OwnRuntime.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(Eventsource.class);
            assertThat(context.getBean(Eventsource.class)).isSameAs(context.getBean(OwnRuntime.class).eventsource);
            assertThat(context).doesNotHaveBean(MessageBus.class).doesNotHaveBean(ServiceRegistry.class)
                    .doesNotHaveBean(MySqlPorts.class).doesNotHaveBean(SystemScheduler.class)
                    .doesNotHaveBean(ExpiryPolicy.class);
            assertThat(context).hasSingleBean(Publisher.class).hasSingleBean(EventsourceListeners.class);
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnRuntime {
        final InMemoryBroker broker = new InMemoryBroker(new io.eventsource.adapter.inmemory.VirtualScheduler(),
                ExpiryPolicy.seed());
        final Eventsource eventsource = Eventsource.builder().eventLog(InMemoryEventLogModule.eventLog())
                .ackStore(InMemoryAckStoreModule.ackStore()).messageBus(broker.connect())
                .serviceRegistry(InMemoryServiceRegistryModule.serviceRegistry(ExpiryPolicy.seed()))
                .scheduler(broker.scheduler()).build();

        @Bean
        Eventsource myRuntime() {
            return eventsource;
        }
    }

    @Test
    void namesTheBlankPropertyThatStopsTheStart() {
        runner.withUserConfiguration(AllButTheBus.class).withPropertyValues("eventsource.amqp.uri= ")
                .run(context -> {
                    assertThat(context).hasFailed();
                    EventsourceConfigurationException failure = configurationFailure(context.getStartupFailure());
                    assertThat(failure.getMessage()).isEqualTo("eventsource.amqp.uri is not set");
                    assertThat(failure.action()).contains("eventsource.amqp.uri", "amqp://");
                });
    }

    @Test
    void namesTheMalformedPropertyAndWhatIsMeant() {
        runner.withUserConfiguration(AllButTheBus.class).withPropertyValues("eventsource.namespace=Staging")
                .run(context -> {
                    EventsourceConfigurationException failure = configurationFailure(context.getStartupFailure());
                    assertThat(failure.getMessage()).startsWith("eventsource.namespace: ").contains("staging.");
                });
    }

    @Test
    void namesTheServicePropertyWhenAHandlerHasNoService() {
        runner.withUserConfiguration(WithHandlers.class).run(context -> {
            EventsourceConfigurationException failure = configurationFailure(context.getStartupFailure());
            assertThat(failure.getMessage()).contains("Handlers.renamed", "eventsource.service",
                    "spring.application.name");
        });
    }

    @Test
    void reportsAConfigurationFailureAsAnAnalysisWithTheAction() {
        EventsourceConfigurationException failure = new EventsourceConfigurationException("eventsource.amqp.uri is "
                + "not set", "set eventsource.amqp.uri");
        FailureAnalysis analysis = new EventsourceFailureAnalyzer().analyze(new IllegalStateException(failure));
        assertThat(analysis.getDescription()).isEqualTo("eventsource.amqp.uri is not set");
        assertThat(analysis.getAction()).isEqualTo("set eventsource.amqp.uri");
    }

    @Test
    void refusesAHandlerMethodItCannotCall() {
        runner.withUserConfiguration(InMemoryPorts.class, WrongHandler.class).run(context -> {
            EventsourceConfigurationException failure = configurationFailure(context.getStartupFailure());
            assertThat(failure.getMessage()).contains("WrongHandler.on", "[Event, String]");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class WrongHandler {
        @EventsourceHandler(type = "Product", projection = "p", service = "s")
        void on(Event event, String text) {
        }

        @Bean
        String text() {
            return "";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class AllButTheBus {
        @Bean
        ServiceRegistry serviceRegistry() {
            return InMemoryServiceRegistryModule.serviceRegistry(ExpiryPolicy.seed());
        }

        @Bean
        io.eventsource.ports.EventLog eventLog() {
            return InMemoryEventLogModule.eventLog();
        }

        @Bean
        AckStore ackStore() {
            return InMemoryAckStoreModule.ackStore();
        }
    }

    @Test
    void keepsTheEventLogOnTheApplicationsDataSource() {
        runner.withUserConfiguration(AllButTheLogAndTheAcks.class)
                .withBean(DataSource.class, UnreachableDataSource::new)
                .run(context -> {
                    EventsourceConfigurationException failure = configurationFailure(context.getStartupFailure());
                    assertThat(failure.getMessage()).contains("the application's DataSource",
                            "eventsource.jdbc.use-data-source=false", "no database here");
                });
    }

    @Test
    void opensAPoolOfItsOwnFromTheJdbcPropertiesWhenToldNotToUseTheDataSource() {
        runner.withUserConfiguration(AllButTheLogAndTheAcks.class)
                .withBean(DataSource.class, UnreachableDataSource::new)
                .withPropertyValues("eventsource.jdbc.use-data-source=false",
                        "eventsource.jdbc.url=jdbc:mysql://127.0.0.1:1/nothing")
                .run(context -> {
                    EventsourceConfigurationException failure = configurationFailure(context.getStartupFailure());
                    assertThat(failure.getMessage()).contains("at eventsource.jdbc.url", "127.0.0.1:1")
                            .doesNotContain("no database here");
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class AllButTheLogAndTheAcks {
        @Bean
        ServiceRegistry serviceRegistry() {
            return InMemoryServiceRegistryModule.serviceRegistry(ExpiryPolicy.seed());
        }

        @Bean
        MessageBus messageBus(io.eventsource.ports.Scheduler scheduler) {
            return new InMemoryBroker(scheduler, ExpiryPolicy.seed()).connect();
        }
    }

    /** An application's DataSource whose database is down. */
    static final class UnreachableDataSource implements DataSource {
        @Override
        public java.sql.Connection getConnection() throws java.sql.SQLException {
            throw new java.sql.SQLTransientConnectionException("no database here", "08001");
        }

        @Override
        public java.sql.Connection getConnection(String username, String password) throws java.sql.SQLException {
            return getConnection();
        }

        @Override
        public java.io.PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(java.io.PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public java.util.logging.Logger getParentLogger() {
            return java.util.logging.Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws java.sql.SQLException {
            throw new java.sql.SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }

    @Test
    void reportsHealthOfBrokerRegistryDatabaseAndRelayBacklogWithActuator() {
        runner.withUserConfiguration(InMemoryPorts.class).run(context -> {
            assertThat(context).hasBean("eventsourceHealthIndicator");
            Health health = context.getBean("eventsourceHealthIndicator", HealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("broker", "UP").containsEntry("database", "UP")
                    .containsEntry("relayBacklog", 0).containsKey("registry");

            context.getBean(InMemoryBroker.class).stop();
            Health down = context.getBean("eventsourceHealthIndicator", HealthIndicator.class).health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat(down.getDetails().get("broker")).asString().startsWith("DOWN");
        });
    }

    @Test
    void hasNoHealthIndicatorWithoutActuator() {
        runner.withUserConfiguration(InMemoryPorts.class).withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("eventsourceHealthIndicator"));
    }

    @Test
    void bindsTheMetersToTheApplicationsMeterRegistry() {
        runner.withUserConfiguration(InMemoryPorts.class)
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .run(context -> {
                    assertThat(context).hasSingleBean(EventsourceMetrics.class);
                    context.getBean(Publisher.class).publish(PRODUCT, EventName.of("Renamed"), Payload.json("{}"));
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.find("eventsource.relay.backlog").gauge()).isNotNull();
                    assertThat(registry.find("eventsource.events.published").counter()).isNotNull();
                });
    }

    @Test
    void bindsNoMetersWithoutARegistry() {
        runner.withUserConfiguration(InMemoryPorts.class)
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(EventsourceMetrics.class));
    }

    @Test
    void bindsNoMetersWithoutMicrometer() {
        runner.withUserConfiguration(InMemoryPorts.class)
                .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(EventsourceMetrics.class));
    }

    private static EventsourceConfigurationException configurationFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof EventsourceConfigurationException configuration) {
                return configuration;
            }
        }
        throw new AssertionError("no EventsourceConfigurationException in " + failure, failure);
    }

    private static int okAcks(AckStore acks, List<Event> events, List<Binding> bindings) {
        List<AckKey> keys = new ArrayList<>();
        for (Event event : events) {
            for (Binding binding : bindings) {
                keys.add(AckKey.of(event.id(), binding));
            }
        }
        Map<AckKey, Ack> found = acks.find(keys);
        return (int) found.values().stream().filter(Ack::isOk).count();
    }

    /** Polls every 10 ms for at most 10 s: the runtime handles events on its own threads, in real time. */
    private static boolean awaitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }
}
