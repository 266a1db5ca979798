package io.eventsource.cli;

import io.eventsource.core.ReplayEngine;
import io.eventsource.core.ReplayRun;
import io.eventsource.domain.AggregateId;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ReplayProgress;
import io.eventsource.domain.ReplayRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code replay}: hands a binding's events to its handlers once more ({@link ReplayEngine}), through the service's
 * queues, for its live instances to handle: all of the binding's type, or by aggregate, position range, time range,
 * failed only; or a reset ({@code --reset-to}). It shows a progress bar with the time left at the throttle on the error
 * stream while it sends, then the replay's figures; with {@code --json}, one JSON object per line each time the
 * progress moves, the last one finished. Killed, it goes on with the same {@code --id}.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Replays a binding's events (by aggregate, positions, times, or failures), throttled, resumable.")
final class ReplayCommand implements Callable<Integer> {
    /** How often the progress is drawn. */
    private static final long DRAW_MILLIS = 250;
    private static final int BAR_WIDTH = 30;

    private final Cli cli;

    @Mixin
    private CommonOptions options;

    @Option(names = "--service", required = true, paramLabel = "SERVICE", description = "The binding's service")
    private String service;

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "The binding's aggregate type")
    private String type;

    @Option(names = "--projection", required = true, paramLabel = "PROJECTION", description = "The binding's projection")
    private String projection;

    @Option(names = "--id", paramLabel = "ID",
            description = "The replay's id, [a-z0-9-]: the same id goes on after a crash (default: a new one)")
    private String id;

    @Option(names = "--aggregate", paramLabel = "ID", description = "Only this aggregate's events")
    private String aggregate;

    @Option(names = "--from", paramLabel = "POSITION", description = "From this log position (inclusive)")
    private Long from;

    @Option(names = "--to", paramLabel = "POSITION", description = "To this log position (inclusive)")
    private Long to;

    @Option(names = "--since", paramLabel = "INSTANT", description = "Events that occurred at or after, e.g. 2026-11-30T02:00:00Z")
    private Instant since;

    @Option(names = "--before", paramLabel = "INSTANT", description = "Events that occurred before this instant")
    private Instant before;

    @Option(names = "--failed", description = "Only events whose ack of the binding is a failure")
    private boolean failed;

    @Option(names = "--reset-to", paramLabel = "POSITION",
            description = "Rebuild: rewind the checkpoint to POSITION and replay everything above it (0: all)")
    private Long resetTo;

    @Option(names = "--rate", paramLabel = "EVENTS/S", defaultValue = "" + ReplayRequest.DEFAULT_RATE,
            description = "Events sent per second at most (default: ${DEFAULT-VALUE})")
    private int rate;

    ReplayCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws InterruptedException {
        Binding binding = Binding.of(service, type, projection);
        ReplayRequest request = request();
        try (Connections connections = new Connections(options.settings(cli.environment()))) {
            KnownBindings.requireTables(connections);
            ReplayRun run = connections.replays().replay(binding, request);
            ReplayProgress last = follow(run);
            if (!options.json) {
                cli.err().println();
                print(last);
            }
            if (!last.finished()) {
                throw new CliException(ExitCodes.SERVICE_FAILURE, "replay " + last.id() + " stopped at position "
                        + last.lastPosition() + "; run it again with --id " + last.id() + " to go on");
            }
        }
        return ExitCodes.OK;
    }

    private ReplayRequest request() {
        if (resetTo != null) {
            if (aggregate != null || from != null || to != null || since != null || before != null || failed) {
                throw new CliException(ExitCodes.USAGE, "--reset-to replays everything above its position; it takes"
                        + " no --aggregate, --from, --to, --since, --before or --failed");
            }
            ReplayRequest reset = ReplayRequest.resetAbove(resetTo).throttle(rate);
            return id == null ? reset : reset.id(id);
        }
        ReplayRequest request = ReplayRequest.all().throttle(rate);
        if (id != null) {
            request = request.id(id);
        }
        if (aggregate != null) {
            request = request.ofAggregate(AggregateId.of(aggregate));
        }
        if (from != null || to != null) {
            request = request.positions(from == null ? 1 : from, to == null ? Long.MAX_VALUE : to);
        }
        if (since != null || before != null) {
            request = request.occurredBetween(since, before);
        }
        return failed ? request.failedOnly() : request;
    }

    /** Draws the progress until the replay has sent everything (or stopped); returns its last progress. */
    private ReplayProgress follow(ReplayRun run) throws InterruptedException {
        ReplayProgress drawn = null;
        while (true) {
            boolean done = false;
            try {
                run.done().toCompletableFuture().get(DRAW_MILLIS, TimeUnit.MILLISECONDS);
                done = true;
            } catch (TimeoutException notYet) {
                // draw and wait again
            } catch (ExecutionException failed) {
                Throwable cause = failed.getCause();
                throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
            }
            ReplayProgress progress = run.progress();
            if (!progress.equals(drawn) || done) {
                draw(progress, run.waitingFor().orElse(null));
                drawn = progress;
            }
            if (done) {
                return progress;
            }
        }
    }

    private void draw(ReplayProgress progress, String waiting) {
        if (options.json) {
            Map<String, Object> json = figures(progress);
            if (waiting != null) {
                json.put("waiting", waiting);
            }
            cli.out().println(Json.write(json));
            cli.out().flush();
            return;
        }
        int filled = (int) Math.round(progress.fraction() * BAR_WIDTH);
        cli.err().print(String.format(Locale.ROOT, "\r[%s%s] %5.1f%% %d/%d, %s left%s",
                "#".repeat(filled), ".".repeat(BAR_WIDTH - filled), progress.fraction() * 100, progress.sent(),
                progress.selected(), duration(progress.eta()), waiting == null ? "" : " (" + waiting + ")"));
        cli.err().flush();
    }

    private void print(ReplayProgress progress) {
        Table table = new Table("REPLAY", "BINDING", "SELECTED", "SENT", "REMAINING", "LAST POSITION", "FINISHED");
        table.row(progress.id().value(), progress.binding().toString(), progress.selected(), progress.sent(),
                progress.remaining(), progress.lastPosition(), progress.finished() ? "yes" : "no");
        table.print(cli.out());
    }

    private static Map<String, Object> figures(ReplayProgress progress) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", progress.id().value());
        json.put("service", progress.binding().service().value());
        json.put("type", progress.binding().type().value());
        json.put("projection", progress.binding().projection().value());
        json.put("selected", progress.selected());
        json.put("sent", progress.sent());
        json.put("remaining", progress.remaining());
        json.put("fraction", progress.fraction());
        json.put("etaMillis", progress.eta().toMillis());
        json.put("lastPosition", progress.lastPosition());
        json.put("upToPosition", progress.upToPosition());
        json.put("finished", progress.finished());
        return json;
    }

    private static String duration(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds < 60 ? seconds + " s" : String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
    }
}
