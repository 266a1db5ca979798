package io.eventsource.cli;

import io.eventsource.core.EventsourceOptions;
import io.eventsource.core.Listener;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.EventName;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.Payload;
import io.eventsource.domain.ServiceName;
import io.eventsource.examples.RealServicesComposition;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.LoggedEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code replay} on a namespace that the real runtime filled: service {@code ads} listens to Product and has handled
 * 30 events of 3 products; the CLI, a process that is no listener, replays a position range through the broker and
 * the running listener hands each selected event to the handler once more.
 */
class ReplayCommandIT {
    private static final List<String> HANDLED = new CopyOnWriteArrayList<>();
    private static Namespace namespace;
    private static RealServicesComposition runtime;
    private static List<LoggedEvent> log;

    @BeforeAll
    static void fill() {
        Namespaces.requireServices();
        namespace = Namespaces.fresh("replay");
        runtime = Namespaces.compose(namespace, EventsourceOptions.defaults());
        Listener ads = runtime.eventsource().listener(ServiceName.of("ads"));
        ads.listen("Product", "projections").onAny(event -> HANDLED.add(event.aggregate() + "#" + event.sequence()));
        ads.start();
        Namespaces.awaitLive(runtime, "Product", "ads");
        for (int round = 0; round < 10; round++) {
            for (int product = 1; product <= 3; product++) {
                runtime.eventsource().publisher().publish(AggregateRef.of("Product", String.valueOf(product)),
                        EventName.of("Changed"), Payload.text("round " + round));
            }
        }
        Namespaces.await("30 events handled", () -> HANDLED.size() == 30);
        log = runtime.eventLog().read(LogQuery.all()).events();
        assertThat(log).hasSize(30);
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            Namespaces.close(runtime);
            CliRun.run(namespace.prefix(), "", "drop-namespace", "--yes");
        }
    }

    @Test
    void replaysAPositionRangeThroughTheRunningListenerAndReportsItsProgressAsJsonLines() {
        HANDLED.clear();
        List<LoggedEvent> selected = log.subList(6, 24);

        CliRun run = CliRun.run(namespace.prefix(), "", "replay", "--service", "ads", "--type", "Product",
                "--projection", "projections", "--from", String.valueOf(selected.get(0).position()),
                "--to", String.valueOf(selected.get(selected.size() - 1).position()), "--rate", "20",
                "--id", "cli-range", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(lines.size() - 1)).startsWith("{\"id\":\"cli-range\",\"service\":\"ads\"")
                .contains("\"selected\":18,\"sent\":18,\"remaining\":0,\"fraction\":1.0")
                .contains("\"finished\":true");
        assertThat(lines).as("progress lines while it sends, at 20 events/s").hasSizeGreaterThan(1);
        Namespaces.await("18 events handled again", () -> HANDLED.size() >= 18);
        assertThat(HANDLED).containsExactlyInAnyOrderElementsOf(selected.stream()
                .map(e -> e.event().aggregate() + "#" + e.event().sequence()).toList());

        CliRun again = CliRun.run(namespace.prefix(), "", "replay", "--service", "ads", "--type", "Product",
                "--projection", "projections", "--from", String.valueOf(selected.get(0).position()),
                "--to", String.valueOf(selected.get(selected.size() - 1).position()), "--rate", "100",
                "--id", "cli-range");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).as("the same id: already finished, nothing sent again")
                .contains("REPLAY", "cli-range", "ads:Product:projections").containsPattern("18 +18 +0 ");
    }

    @Test
    void refusesAResetWithFilters() {
        CliRun run = CliRun.run(namespace.prefix(), "", "replay", "--service", "ads", "--type", "Product",
                "--projection", "projections", "--reset-to", "0", "--failed");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--reset-to");
    }
}
