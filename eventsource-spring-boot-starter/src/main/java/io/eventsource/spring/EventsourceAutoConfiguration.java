package io.eventsource.spring;

import io.eventsource.adapter.mysql.MySqlModule;
import io.eventsource.adapter.mysql.MySqlPorts;
import io.eventsource.adapter.rabbitmq.RabbitMqModule;
import io.eventsource.adapter.redis.RedisModule;
import io.eventsource.core.Eventsource;
import io.eventsource.core.EventsourceBuilder;
import io.eventsource.core.EventsourceMetrics;
import io.eventsource.core.EventsourceOptions;
import io.eventsource.core.Publisher;
import io.eventsource.core.SystemScheduler;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.jackson.JacksonModule;
import io.eventsource.jackson.JacksonSettings;
import io.eventsource.micrometer.MicrometerModule;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.CheckpointStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.EventSerializer;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.PortException;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.ServiceRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import javax.sql.DataSource;

/**
 * Builds the eventsource runtime from the {@code eventsource.*} properties ({@link EventsourceProperties}): RabbitMQ,
 * Redis and MySQL (on the application's {@link DataSource} when it has one) composed with
 * {@code Eventsource.builder()}, the typed API on Jackson, the meters on the application's Micrometer
 * {@code MeterRegistry} where there is one, a health indicator where Actuator is, and the listeners of the
 * application's {@link EventsourceHandler} methods and {@link EventsourceProjection} beans, started and stopped with
 * the context ({@link EventsourceListeners}).
 *
 * <p>Each piece backs off for a bean of the application's own: an {@link Eventsource} (then no port is made either),
 * a port ({@link MessageBus}, {@link ServiceRegistry}, {@link EventLog} with {@link AckStore}), a {@link Scheduler},
 * {@link ExpiryPolicy}, {@link EventsourceOptions}, {@link EventSerializer} or {@link EventsourceMetrics}. Every bean
 * it makes is closed when the context closes, in order: listeners, runtime, ports, scheduler.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(Eventsource.class)
@EnableConfigurationProperties(EventsourceProperties.class)
public class EventsourceAutoConfiguration {

    /** Finds the {@link EventsourceHandler} methods of the beans; static, so that it sees every bean. */
    @Bean
    static HandlerMethods eventsourceHandlerMethods() {
        return new HandlerMethods();
    }

    /** The listeners of the handler beans, started and stopped with the context. */
    @Bean
    @ConditionalOnMissingBean
    EventsourceListeners eventsourceListeners(ObjectProvider<Eventsource> runtime, HandlerMethods methods,
                                              ObjectProvider<EventsourceProjection> projections,
                                              EventsourceProperties properties, Environment environment) {
        String service = properties.getService();
        if (service == null || service.isBlank()) {
            service = environment.getProperty("spring.application.name", "");
        }
        return new EventsourceListeners(runtime, () -> {
            java.util.List<HandlerMethods.Attachment> all = new java.util.ArrayList<>(methods.attachments());
            projections.orderedStream().forEach(projection -> all.add(new HandlerMethods.Attachment(
                    projection.service(), projection.type(), projection.projection(), "EventsourceProjection "
                    + projection, projection::attach)));
            return all;
        }, service, properties.getListeners().isAutoStartup());
    }

    /** The publisher of the runtime, whichever made it. */
    @Bean
    @ConditionalOnMissingBean
    Publisher eventsourcePublisher(Eventsource eventsource) {
        return eventsource.publisher();
    }

    /** The runtime and what it needs, unless the application made its own runtime. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(Eventsource.class)
    static class RuntimeConfiguration {

        @Bean
        @ConditionalOnMissingBean
        ExpiryPolicy eventsourceExpiry(EventsourceProperties properties) {
            return PropertySettings.expiry(properties);
        }

        @Bean
        @ConditionalOnMissingBean
        EventsourceOptions eventsourceOptions(EventsourceProperties properties) {
            return PropertySettings.options(properties);
        }

        /** Real time; closed after the runtime and the ports, which all run on it. */
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(Scheduler.class)
        SystemScheduler eventsourceScheduler() {
            return new SystemScheduler();
        }

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        MessageBus eventsourceMessageBus(EventsourceProperties properties, ExpiryPolicy expiry, Scheduler scheduler) {
            return open("the RabbitMQ message bus at eventsource.amqp.uri",
                    () -> RabbitMqModule.messageBus(PropertySettings.rabbitMq(properties), expiry, scheduler));
        }

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        ServiceRegistry eventsourceServiceRegistry(EventsourceProperties properties, ExpiryPolicy expiry) {
            return open("the Redis service registry at eventsource.redis.uri",
                    () -> RedisModule.serviceRegistry(PropertySettings.redis(properties), expiry));
        }

        @Bean
        Eventsource eventsource(EventLog eventLog, AckStore ackStore, MessageBus messageBus,
                                ServiceRegistry serviceRegistry, Scheduler scheduler, ExpiryPolicy expiry,
                                EventsourceOptions options, ObjectProvider<CheckpointStore> checkpoints,
                                ObjectProvider<EventSerializer> serializer, ObjectProvider<EventsourceMetrics> metrics) {
            EventsourceBuilder builder = Eventsource.builder()
                    .eventLog(eventLog).ackStore(ackStore).messageBus(messageBus).serviceRegistry(serviceRegistry)
                    .scheduler(scheduler).expiry(expiry).options(options);
            checkpoints.ifUnique(builder::checkpoints);
            serializer.ifUnique(builder::serializer);
            metrics.ifUnique(builder::metrics);
            return builder.build();
        }
    }

    /**
     * The event log, the acks and the checkpoints on MySQL or MariaDB, unless the application made its own log and
     * ack store (it then makes both) or its own runtime.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MySqlModule.class)
    @ConditionalOnMissingBean(value = {Eventsource.class, EventLog.class, AckStore.class})
    static class MySqlConfiguration {

        /** Closed after the runtime: writes the queued acks, then closes its pool (not the application's). */
        @Bean(destroyMethod = "close")
        MySqlPorts eventsourceMySql(EventsourceProperties properties, ObjectProvider<DataSource> dataSources) {
            DataSource dataSource = properties.getJdbc().isUseDataSource() ? dataSources.getIfUnique() : null;
            if (dataSource != null) {
                return open("the event log and acks on the application's DataSource (eventsource.jdbc.use-data-source"
                        + "=false gives eventsource a pool of its own from eventsource.jdbc.url)",
                        () -> MySqlModule.ports(PropertySettings.mySql(properties), dataSource));
            }
            return open("the event log and acks at eventsource.jdbc.url",
                    () -> MySqlModule.ports(PropertySettings.mySql(properties)));
        }

        // closed by the MySqlPorts bean
        @Bean(destroyMethod = "")
        EventLog eventsourceEventLog(MySqlPorts mySql) {
            return mySql.eventLog();
        }

        @Bean(destroyMethod = "")
        AckStore eventsourceAckStore(MySqlPorts mySql) {
            return mySql.ackStore();
        }

        @Bean(destroyMethod = "")
        @ConditionalOnMissingBean
        CheckpointStore eventsourceCheckpointStore(MySqlPorts mySql) {
            return mySql.checkpointStore();
        }
    }

    /** Typed events on Jackson, unless the application made its own serializer. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(JacksonModule.class)
    static class JacksonConfiguration {
        @Bean
        @ConditionalOnMissingBean
        EventSerializer eventsourceSerializer() {
            return JacksonModule.serializer(JacksonSettings.defaults());
        }
    }

    /** The runtime's meters on the application's registry, where Micrometer and a registry are. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({MeterRegistry.class, MicrometerModule.class})
    static class MicrometerConfiguration {
        @Bean
        @ConditionalOnBean(MeterRegistry.class)
        @ConditionalOnMissingBean
        EventsourceMetrics eventsourceMetrics(MeterRegistry registry) {
            return MicrometerModule.metrics(registry);
        }
    }

    /** The health indicator, where Actuator is. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
    static class HealthConfiguration {
        @Bean
        @ConditionalOnEnabledHealthIndicator("eventsource")
        @ConditionalOnMissingBean(name = "eventsourceHealthIndicator")
        HealthIndicator eventsourceHealthIndicator(ObjectProvider<MessageBus> bus, ObjectProvider<ServiceRegistry> registry,
                                                   ObjectProvider<EventLog> log, ObjectProvider<Scheduler> scheduler,
                                                   ObjectProvider<EventsourceOptions> options) {
            return new EventsourceHealthIndicator(bus.getIfUnique(), registry.getIfUnique(), log.getIfUnique(),
                    scheduler.getIfUnique(), options.getIfUnique());
        }
    }

    /**
     * Opens a port; a failure to reach a service stops the start with a message that says which one and where it
     * was configured (the adapter's message names the address, never a password).
     */
    private static <T> T open(String what, java.util.function.Supplier<T> open) {
        try {
            return open.get();
        } catch (PortException e) {
            throw new EventsourceConfigurationException("eventsource could not open " + what + ": " + e.getMessage(),
                    "check that the service runs and the eventsource.* properties point at it", e);
        }
    }
}
