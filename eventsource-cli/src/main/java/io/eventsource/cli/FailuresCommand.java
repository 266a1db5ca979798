package io.eventsource.cli;

import io.eventsource.domain.Ack;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code failures}: the failed acks of the namespace's bindings (status fail: the handler gave up, and the event waits
 * for a replay), oldest first, with their last error; filtered by service, projection and type.
 */
@Command(name = "failures", mixinStandardHelpOptions = true,
        description = "Failed acks with their last error, oldest first.")
final class FailuresCommand implements Callable<Integer> {
    static final int MAX_LIMIT = 10_000;

    private final Cli cli;

    @Mixin
    private CommonOptions options;

    @Option(names = "--service", paramLabel = "SERVICE", description = "Only this service's bindings")
    private String service;

    @Option(names = "--projection", paramLabel = "PROJECTION", description = "Only bindings of this projection")
    private String projection;

    @Option(names = "--type", paramLabel = "TYPE", description = "Only events of this aggregate type")
    private String type;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
            description = "At most N failures, 1-" + MAX_LIMIT + " (default: ${DEFAULT-VALUE})")
    private int limit;

    FailuresCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new CliException(ExitCodes.USAGE, "--limit must be 1-" + MAX_LIMIT + ", got " + limit);
        }
        try (Connections connections = new Connections(options.settings(cli.environment()))) {
            KnownBindings.requireTables(connections);
            List<Ack> failures = read(connections);
            if (options.json) {
                cli.out().println(Json.write(toJson(connections.settings().namespace().prefix(), failures)));
            } else {
                print(failures);
            }
        }
        return ExitCodes.OK;
    }

    private List<Ack> read(Connections connections) {
        // acks are kept per (service, projection): each pair once, whatever types it binds
        Set<Pair> pairs = new LinkedHashSet<>();
        for (Binding binding : KnownBindings.of(connections)) {
            if (matches(service, binding.service().value()) && matches(projection, binding.projection().value())
                    && matches(type, binding.type().value())) {
                pairs.add(new Pair(binding.service(), binding.projection()));
            }
        }
        List<Ack> failures = new ArrayList<>();
        for (Pair pair : pairs) {
            for (Ack failure : connections.acks().failures(pair.service(), pair.projection(), limit)) {
                if (matches(type, failure.aggregate().type().value())) {
                    failures.add(failure);
                }
            }
        }
        failures.sort(Comparator.comparing(Ack::at).thenComparing(ack -> ack.key().service().value())
                .thenComparing(ack -> ack.key().projection().value()).thenComparing(ack -> ack.key().eventId().value()));
        return failures.size() > limit ? failures.subList(0, limit) : failures;
    }

    /** The key of a binding's acks. */
    private record Pair(ServiceName service, Projection projection) {
    }

    private static boolean matches(String filter, String value) {
        return filter == null || filter.equals(value);
    }

    private void print(List<Ack> failures) {
        Table table = new Table("AT", "TYPE", "AGGREGATE", "SEQ", "SERVICE", "PROJECTION", "ATTEMPTS", "EVENT",
                "LAST ERROR");
        for (Ack failure : failures) {
            table.row(failure.at(), failure.aggregate().type().value(), failure.aggregate().id().value(),
                    failure.sequence(), failure.key().service().value(), failure.key().projection().value(),
                    failure.attempts(), failure.key().eventId().value(), failure.lastError());
        }
        table.print(cli.out());
    }

    private static Map<String, Object> toJson(String namespace, List<Ack> failures) {
        List<Object> list = new ArrayList<>();
        for (Ack failure : failures) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("at", failure.at().toString());
            json.put("type", failure.aggregate().type().value());
            json.put("aggregateId", failure.aggregate().id().value());
            json.put("sequence", failure.sequence());
            json.put("service", failure.key().service().value());
            json.put("projection", failure.key().projection().value());
            json.put("attempts", failure.attempts());
            json.put("eventId", failure.key().eventId().value());
            json.put("lastError", failure.lastError());
            list.add(json);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("namespace", namespace);
        json.put("failures", list);
        return json;
    }
}
