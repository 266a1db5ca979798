package io.eventsource.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import io.eventsource.adapter.fake.FakeModule;
import io.eventsource.adapter.fake.FakeSettings;
import io.eventsource.adapter.fake.PublicFakeHelper;
import io.eventsource.adapter.fake.PublicFakeRegistry;
import io.eventsource.adapter.fake.internal.PublicInternalHelper;
import io.eventsource.core.EventsourceModule;
import io.eventsource.core.RealTimeModule;
import io.eventsource.core.violation.CoreClock;
import io.eventsource.core.violation.CoreComponent;
import io.eventsource.core.violation.CoreInjected;
import io.eventsource.core.violation.CoreParsingJson;
import io.eventsource.core.violation.CoreSeeingAnAdapter;
import io.eventsource.core.violation.CoreSleeping;
import io.eventsource.core.violation.CoreUsingJavaxInject;
import io.eventsource.core.violation.CoreWithMicrometer;
import io.eventsource.core.violation.CoreWithOpenTelemetry;
import io.eventsource.core.violation.CoreWiring;
import io.eventsource.core.violation.MoreCoreWiring;
import io.eventsource.domain.violation.DomainReadingTheClock;
import io.eventsource.domain.violation.DomainSeeingThePorts;
import io.eventsource.domain.violation.DomainUsingJedis;
import io.eventsource.domain.violation.DomainWithInject;
import io.eventsource.jackson.JacksonModule;
import io.eventsource.jackson.JacksonSettings;
import io.eventsource.jackson.PublicJsonHelper;
import io.eventsource.jackson.violation.PublicSerializer;
import io.eventsource.micrometer.MicrometerModule;
import io.eventsource.micrometer.violation.MetricsSeeingTheRuntime;
import io.eventsource.opentelemetry.OpenTelemetryModule;
import io.eventsource.opentelemetry.violation.TracingSeeingTheRuntime;
import io.eventsource.ports.violation.PortHandingOutConnections;
import io.eventsource.ports.violation.PortLoggingWithSlf4j;
import io.eventsource.ports.violation.PortSeeingTheCore;
import io.eventsource.ports.violation.RedisRegistry;
import io.eventsource.tck.violation.TckSeeingAnAdapter;
import io.eventsource.testkit.violation.KitOnRedis;
import io.eventsource.testkit.violation.KitOnTheVirtualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Each rule of {@link ArchitectureTest} reports a small, deliberate violation among the test fixtures (packages
 * named like the real ones, e.g. {@code io.eventsource.domain.violation}), and leaves the allowed exceptions
 * alone: the rules are not vacuous, whatever the modules hold today.
 */
class ArchitectureRulesCanFailTest {
    /** The production classes and, unlike in {@link ArchitectureTest}, the fixtures among the test classes. */
    private static final JavaClasses WITH_FIXTURES = new ClassFileImporter().importPackages("io.eventsource");

    static Stream<Arguments> violations() {
        return Stream.of(
                arguments("DOMAIN_DEPENDS_ONLY_ON_THE_JDK", DomainUsingJedis.class, "redis.clients.jedis.UnifiedJedis"),
                arguments("PORTS_DEPEND_ONLY_ON_THE_DOMAIN_AND_THE_JDK", PortLoggingWithSlf4j.class, "org.slf4j.Logger"),
                arguments("MODULES_FORM_A_HEXAGON", DomainSeeingThePorts.class, "io.eventsource.ports.ServiceRegistry"),
                arguments("MODULES_FORM_A_HEXAGON", PortSeeingTheCore.class, "io.eventsource.core.violation.CoreRuntime"),
                arguments("MODULES_FORM_A_HEXAGON", CoreSeeingAnAdapter.class, "io.eventsource.adapter.redis.RedisSettings"),
                arguments("MODULES_FORM_A_HEXAGON", fixture("io.eventsource.adapter.fake.FakeSeeingTheCore"),
                        "io.eventsource.core.violation.CoreRuntime"),
                arguments("MODULES_FORM_A_HEXAGON", TckSeeingAnAdapter.class, "io.eventsource.adapter.fake.FakeSettings"),
                arguments("MODULES_FORM_A_HEXAGON", fixture("io.eventsource.core.violation.CoreSeeingTheCli"),
                        "io.eventsource.cli.EventsourceCli"),
                arguments("TESTKIT_RUNS_ON_THE_IN_MEMORY_ADAPTER_ONLY", KitOnRedis.class,
                        "io.eventsource.adapter.redis.RedisSettings"),
                arguments("MODULES_FORM_A_HEXAGON", fixture("io.eventsource.jackson.violation.SerializerSeeingTheCore"),
                        "io.eventsource.core.violation.CoreRuntime"),
                arguments("MODULES_FORM_A_HEXAGON", fixture("io.eventsource.adapter.fake.FakeSeeingTheSerializer"),
                        "io.eventsource.jackson.JacksonSettings"),
                arguments("METRICS_SEE_ONLY_THE_CORES_METRICS_INTERFACE", MetricsSeeingTheRuntime.class,
                        "io.eventsource.core.Eventsource"),
                arguments("MICROMETER_ONLY_IN_THE_METRICS_MODULE", CoreWithMicrometer.class,
                        "io.micrometer.core.instrument.MeterRegistry"),
                arguments("TRACING_SEES_ONLY_THE_CORES_TRACING_INTERFACE", TracingSeeingTheRuntime.class,
                        "io.eventsource.core.Eventsource"),
                arguments("OPENTELEMETRY_ONLY_IN_THE_TRACING_MODULE", CoreWithOpenTelemetry.class,
                        "io.opentelemetry.api.trace.Span"),
                arguments("ADAPTERS_DO_NOT_SEE_EACH_OTHER", fixture("io.eventsource.adapter.other.OtherSeeingFake"),
                        "io.eventsource.adapter.fake.FakeSettings"),
                arguments("RABBITMQ_CLIENT_ONLY_IN_THE_RABBITMQ_ADAPTER",
                        fixture("io.eventsource.adapter.fake.FakeUsingRabbitMq"), "com.rabbitmq.client.Channel"),
                arguments("REDIS_CLIENT_ONLY_IN_THE_REDIS_ADAPTER", DomainUsingJedis.class,
                        "redis.clients.jedis.UnifiedJedis"),
                arguments("PERSISTENCE_ONLY_IN_THE_SQL_ADAPTERS", fixture("io.eventsource.adapter.fake.FakeUsingJdbc"),
                        "java.sql.Connection"),
                arguments("PERSISTENCE_ONLY_IN_THE_SQL_ADAPTERS", fixture("io.eventsource.adapter.fake.FakeUsingFlyway"),
                        "org.flywaydb.core.Flyway"),
                arguments("JSON_LIBRARY_ONLY_IN_THE_SERIALIZER_AND_THE_SQL_ADAPTERS", CoreParsingJson.class,
                        "com.fasterxml.jackson.databind.ObjectMapper"),
                arguments("DOMAIN_AND_CORE_CARRY_NO_DEPENDENCY_INJECTION", DomainWithInject.class, "jakarta.inject.Inject"),
                arguments("DOMAIN_AND_CORE_CARRY_NO_DEPENDENCY_INJECTION", CoreInjected.class, "jakarta.inject.Inject"),
                arguments("CORE_HAS_ONLY_ITS_DECLARED_DAGGER_MODULES", MoreCoreWiring.class,
                        "a Dagger module in the core but not one of the declared core modules"),
                arguments("NO_JAVAX_INJECT", CoreUsingJavaxInject.class, "javax.inject.Provider"),
                arguments("ONLY_APPLICATIONS_COMPOSE", CoreComponent.class, "is annotated with @Component"),
                arguments("ADAPTER_IMPLEMENTATIONS_ARE_NOT_PUBLIC", PublicFakeRegistry.class, "has modifier PUBLIC"),
                arguments("ADAPTER_IMPLEMENTATIONS_ARE_NOT_PUBLIC", PublicSerializer.class, "has modifier PUBLIC"),
                arguments("ADAPTERS_EXPOSE_ONLY_THEIR_MODULE_SETTINGS_AND_DECLARED_API", PublicFakeHelper.class,
                        "neither a Dagger @Module, nor a *Settings record, nor declared adapter API"),
                arguments("ADAPTERS_EXPOSE_ONLY_THEIR_MODULE_SETTINGS_AND_DECLARED_API", PublicJsonHelper.class,
                        "neither a Dagger @Module, nor a *Settings record, nor declared adapter API"),
                arguments("PORT_NAMES_CARRY_NO_TECHNOLOGY", RedisRegistry.class, "Redis"),
                arguments("PORT_SIGNATURES_MENTION_NO_TECHNOLOGY", PortHandingOutConnections.class, "java.sql.Connection"),
                arguments("TIME_GOES_THROUGH_THE_SCHEDULER", DomainReadingTheClock.class, "System.currentTimeMillis()"),
                arguments("TIME_GOES_THROUGH_THE_SCHEDULER", CoreSleeping.class, "Thread.sleep(long)"),
                arguments("TIME_GOES_THROUGH_THE_SCHEDULER", CoreSleeping.class, "Instant.now()"));
    }

    @ParameterizedTest(name = "{0} reports {1}")
    @MethodSource("violations")
    void reportsTheDeliberateViolation(String rule, Class<?> fixture, String offence) {
        assertThat(violationsOf(rule))
                .as("violations of %s", rule)
                .anySatisfy(line -> assertThat(line).contains(fixture.getName()).contains(offence));
    }

    static Stream<Arguments> allowed() {
        return Stream.of(
                arguments("TIME_GOES_THROUGH_THE_SCHEDULER", CoreClock.class),
                arguments("TESTKIT_RUNS_ON_THE_IN_MEMORY_ADAPTER_ONLY", KitOnTheVirtualClock.class),
                arguments("DOMAIN_AND_CORE_CARRY_NO_DEPENDENCY_INJECTION", CoreWiring.class),
                arguments("ONLY_APPLICATIONS_COMPOSE", fixture("io.eventsource.cli.CliComponent")),
                arguments("CORE_HAS_ONLY_ITS_DECLARED_DAGGER_MODULES", EventsourceModule.class),
                arguments("CORE_HAS_ONLY_ITS_DECLARED_DAGGER_MODULES", RealTimeModule.class),
                arguments("ADAPTERS_EXPOSE_ONLY_THEIR_MODULE_SETTINGS_AND_DECLARED_API", FakeModule.class),
                arguments("ADAPTERS_EXPOSE_ONLY_THEIR_MODULE_SETTINGS_AND_DECLARED_API", FakeSettings.class),
                arguments("ADAPTERS_EXPOSE_ONLY_THEIR_MODULE_SETTINGS_AND_DECLARED_API", JacksonModule.class),
                arguments("ADAPTERS_EXPOSE_ONLY_THEIR_MODULE_SETTINGS_AND_DECLARED_API", JacksonSettings.class),
                arguments("JSON_LIBRARY_ONLY_IN_THE_SERIALIZER_AND_THE_SQL_ADAPTERS", JacksonSettings.class),
                arguments("ADAPTERS_EXPOSE_ONLY_THEIR_MODULE_SETTINGS_AND_DECLARED_API", MicrometerModule.class),
                arguments("METRICS_SEE_ONLY_THE_CORES_METRICS_INTERFACE", MicrometerModule.class),
                arguments("ADAPTERS_EXPOSE_ONLY_THEIR_MODULE_SETTINGS_AND_DECLARED_API", OpenTelemetryModule.class),
                arguments("TRACING_SEES_ONLY_THE_CORES_TRACING_INTERFACE", OpenTelemetryModule.class),
                arguments("ADAPTERS_EXPOSE_ONLY_THEIR_MODULE_SETTINGS_AND_DECLARED_API", PublicInternalHelper.class));
    }

    @ParameterizedTest(name = "{0} allows {1}")
    @MethodSource("allowed")
    void leavesTheAllowedExceptionsAlone(String rule, Class<?> fixture) {
        assertThat(violationsOf(rule)).as("violations of %s", rule)
                .noneSatisfy(line -> assertThat(line).containsPattern(fixture.getName().replace(".", "\\.")
                        .replace("$", "\\$") + "(?![\\w$])"));
    }

    @Test
    void everyRuleHasADeliberateViolation() {
        Set<String> proven = violations().map(arguments -> (String) arguments.get()[0]).collect(Collectors.toSet());

        assertThat(proven).containsExactlyInAnyOrderElementsOf(ruleNames());
    }

    @Test
    void everyRuleSaysWhy() {
        for (String name : ruleNames()) {
            assertThat(rule(name).getDescription()).as(name).contains(", because ");
        }
    }

    private static List<String> violationsOf(String rule) {
        return rule(rule).evaluate(WITH_FIXTURES).getFailureReport().getDetails();
    }

    private static List<String> ruleNames() {
        return Arrays.stream(ArchitectureTest.class.getDeclaredFields())
                .filter(field -> field.getType() == ArchRule.class && Modifier.isStatic(field.getModifiers()))
                .map(Field::getName)
                .collect(Collectors.toList());
    }

    private static ArchRule rule(String name) {
        try {
            Field field = ArchitectureTest.class.getDeclaredField(name);
            return (ArchRule) field.get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("ArchitectureTest has no rule " + name, e);
        }
    }

    /** A package-private fixture, by name. */
    private static Class<?> fixture(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("no fixture " + name, e);
        }
    }
}
