package io.eventsource.cli;

import io.eventsource.core.EventsourceOptions;
import io.eventsource.core.FailurePolicy;
import io.eventsource.core.Listener;
import io.eventsource.core.SweepPolicy;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.ServiceName;
import io.eventsource.examples.RealServicesComposition;
import io.eventsource.ports.LoggedEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code status} and {@code failures} on a namespace that the real runtime filled: service {@code ads} listens to
 * Product; Product 1 is handled, Product 2's handler fails; a Cart event has no listener, so the relay keeps it
 * unpublished; Product 3's event was written to the log an hour ago and never sent, so {@code ads} has no ack for it
 * (the sweeper's grace period is an hour, so nothing re-drives it during the test). The binding's checkpoint is saved
 * at Product 1's position.
 */
class StatusAndFailuresIT {
    private static final Binding ADS = Binding.of("ads", "Product", "projections");

    private static Namespace namespace;
    private static RealServicesComposition runtime;
    private static long checkpoint;
    private static long newest;

    @BeforeAll
    static void fill() {
        Namespaces.requireServices();
        namespace = Namespaces.fresh("status");
        runtime = Namespaces.compose(namespace, EventsourceOptions.defaults()
                .withFailurePolicy(FailurePolicy.seed().withMaxAttempts(1))
                .withSweep(SweepPolicy.defaults().withTiming(Duration.ofMinutes(1), Duration.ofHours(1))));
        Listener ads = runtime.eventsource().listener(ServiceName.of("ads"));
        ads.listen("Product", "projections")
                .on("Created", event -> { })
                .on("Broken", event -> {
                    throw new IllegalStateException("this handler always fails");
                });
        ads.start();
        Namespaces.awaitLive(runtime, "Product", "ads");

        runtime.eventsource().publisher().publish(AggregateRef.of("Product", "1"), EventName.of("Created"),
                Payload.text("a"));
        runtime.eventsource().publisher().publish(AggregateRef.of("Product", "2"), EventName.of("Broken"),
                Payload.text("b"));
        runtime.eventsource().publisher().publish(AggregateRef.of("Cart", "7"), EventName.of("Opened"),
                Payload.text("c"));
        List<LoggedEvent> stranded = runtime.eventLog().append(AggregateRef.of("Product", "3"), ExpectedVersion.NONE,
                List.of(new NewEvent(EventId.random(), EventName.of("Created"), Payload.text("d"), Map.of(),
                        Instant.now().minus(Duration.ofHours(1)))));
        runtime.eventLog().markPublished(List.of(stranded.get(0).event().id()), Instant.now());
        newest = stranded.get(0).position();
        Namespaces.await("Product 1 acked ok and Product 2 acked fail", () ->
                runtime.ackStore().lastSequence(ADS.service(), ADS.projection(), AggregateRef.of("Product", "1")) == 1
                        && runtime.ackStore().failures(ADS.service(), ADS.projection(), 10).size() == 1);
        checkpoint = runtime.eventLog().read(io.eventsource.ports.LogQuery.all().ofType(ADS.type())).events().get(0)
                .position();
        CliComponent ports = Namespaces.cliPorts(namespace);
        // the event log holds the adapter's database open while the checkpoint store borrows it
        try (io.eventsource.ports.EventLog log = ports.eventLog()) {
            ports.checkpointStore().save(ADS, checkpoint);
        }
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            Namespaces.close(runtime);
            CliRun.run(namespace.prefix(), "", "drop-namespace", "--yes");
        }
    }

    @Test
    void statusShowsTheLiveServiceTheBindingsLagItsFailedAggregateAndTheRelayBacklog() {
        CliRun run = CliRun.run(namespace.prefix(), "", "status");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("namespace  " + namespace.prefix() + "\n");
        assertThat(lines(run.out())).contains(
                "SERVICES", "TYPE     SERVICE  LIVE  BINDINGS", "Product  ads      yes   1",
                "BINDINGS", "unpublished events  1");
        // newest minus checkpoint; Product 3's event occurred an hour ago; Product 2 failed
        assertThat(run.out()).containsPattern("\nProduct +ads +projections +" + checkpoint + " +" + newest + " +"
                + (newest - checkpoint) + " +1h 00m +1\n");
        assertThat(run.out()).containsPattern("\noldest +\\d+s\n");
    }

    @Test
    void statusPrintsTheSameAsJsonForScripts() {
        CliRun run = CliRun.run(namespace.prefix(), "", "status", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("{\"namespace\":\"" + namespace.prefix() + "\",\"at\":\"")
                .contains("\"services\":[{\"type\":\"Product\",\"service\":\"ads\",\"live\":true,\"bindings\":1}]")
                .contains("\"bindings\":[{\"type\":\"Product\",\"service\":\"ads\",\"projection\":\"projections\","
                        + "\"live\":true,\"checkpoint\":" + checkpoint + ",\"newestPosition\":" + newest + ",\"lag\":"
                        + (newest - checkpoint) + ",\"oldestUnackedAgeMillis\":")
                .contains(",\"failedEvents\":1,\"failedAggregates\":1}]")
                .contains("\"relay\":{\"unpublished\":1,\"moreUnpublished\":false,\"oldestUnpublishedAgeMillis\":")
                .endsWith("}}\n");
        assertThat(run.out()).containsPattern("\"oldestUnackedAgeMillis\":36\\d{5},");
    }

    @Test
    void failuresListsTheFailedAckWithItsLastError() {
        CliRun run = CliRun.run(namespace.prefix(), "", "failures");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = lines(run.out());
        assertThat(lines.get(0)).matches("AT +TYPE +AGGREGATE +SEQ +SERVICE +PROJECTION +ATTEMPTS +EVENT +LAST ERROR");
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).matches("\\S+Z +Product +2 +1 +ads +projections +1 +\\S+ +.*this handler always fails.*");
    }

    @Test
    void failuresPrintsJsonAndFilters() {
        CliRun json = CliRun.run(namespace.prefix(), "", "failures", "--json", "--service", "ads", "--type", "Product",
                "--limit", "5");
        CliRun otherService = CliRun.run(namespace.prefix(), "", "failures", "--service", "search");
        CliRun otherType = CliRun.run(namespace.prefix(), "", "failures", "--json", "--type", "Cart");

        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(json.out()).startsWith("{\"namespace\":\"" + namespace.prefix() + "\",\"failures\":[{\"at\":\"")
                .contains("\"type\":\"Product\",\"aggregateId\":\"2\",\"sequence\":1,\"service\":\"ads\","
                        + "\"projection\":\"projections\",\"attempts\":1,\"eventId\":\"")
                .containsPattern("\"lastError\":\"[^\"]*this handler always fails[^\"]*\"}]}\n$");
        assertThat(lines(otherService.out())).containsExactly(
                "AT  TYPE  AGGREGATE  SEQ  SERVICE  PROJECTION  ATTEMPTS  EVENT  LAST ERROR", "(none)");
        assertThat(otherType.out()).isEqualTo("{\"namespace\":\"" + namespace.prefix() + "\",\"failures\":[]}\n");
    }

    @Test
    void refusesAnInvalidLimitAndUnknownOptionsWithTheUsageCode() {
        CliRun limit = CliRun.run(namespace.prefix(), "", "failures", "--limit", "0");
        CliRun unknown = CliRun.run(namespace.prefix(), "", "status", "--colour");
        CliRun none = CliRun.run(namespace.prefix(), "");

        assertThat(limit.exitCode()).isEqualTo(2);
        assertThat(limit.err()).isEqualTo("error: --limit must be 1-10000, got 0\n");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("Unknown option: '--colour'");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("status", "failures", "drop-namespace", "Exit codes:");
    }

    @Test
    void saysSoWhenTheNamespaceHasNoTables() {
        Namespace empty = Namespaces.fresh("empty");

        CliRun run = CliRun.run(empty.prefix(), "", "status");

        assertThat(run.exitCode()).isEqualTo(4);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("error: namespace " + empty.prefix() + " has no tables ("
                + empty.tablePrefix() + "*): nothing to report; set EVENTSOURCE_NAMESPACE or --namespace to the"
                + " namespace of the services\n");
    }

    @Test
    void reportsARefusedPasswordInOneLineWithoutThePassword() {
        CliRun run = CliRun.run(Map.of("EVENTSOURCE_NAMESPACE", namespace.prefix(),
                "EVENTSOURCE_JDBC_PASSWORD", "not-the-Secret-42"), "", "status");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: MySQL ").doesNotContain("not-the-Secret-42").doesNotContain("\tat ");
        assertThat(lines(run.err())).hasSize(1);
    }

    @Test
    void runsAsOneJar() throws Exception {
        Path jar = Path.of("target", "eventsource-cli.jar");
        assertThat(jar).as("made by mvn package").exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "status", "--json"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("EVENTSOURCE_NAMESPACE", namespace.prefix());
        File output = Files.createTempFile("status", ".json").toFile();
        Process process = builder.redirectOutput(output).start();

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("status ends").isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(Files.readString(output.toPath(), StandardCharsets.UTF_8))
                .contains("\"projection\":\"projections\",\"live\":true,\"checkpoint\":" + checkpoint);
    }

    private static List<String> lines(String text) {
        return text.lines().toList();
    }

}
