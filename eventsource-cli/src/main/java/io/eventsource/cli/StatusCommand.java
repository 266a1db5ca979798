package io.eventsource.cli;

import io.eventsource.core.BindingLag;
import io.eventsource.core.LagReader;
import io.eventsource.domain.Ack;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.LoggedEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code status}: the namespace's services (live or not), its bindings with their lag ({@link LagReader}, as the
 * {@code eventsource.binding.lag} meters) and failed aggregates, and the relay's backlog of unpublished events.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Services, bindings with their lag and failed aggregates, and the relay backlog of a namespace.")
final class StatusCommand implements Callable<Integer> {
    /** How many unpublished events the backlog counts exactly; more show as {@code >10000}. */
    static final int BACKLOG_SCAN = 10_000;
    /** How many failed acks of a binding are read to count its failed aggregates. */
    static final int FAILURE_SCAN = 10_000;

    private final Cli cli;

    @Mixin
    private CommonOptions options;

    StatusCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        try (Connections connections = new Connections(options.settings(cli.environment()))) {
            KnownBindings.requireTables(connections);
            Report report = read(connections, cli.now());
            if (options.json) {
                cli.out().println(Json.write(report.toJson()));
            } else {
                report.print(cli.out());
            }
        }
        return ExitCodes.OK;
    }

    private static Report read(Connections connections, Instant now) {
        Set<Binding> bindings = KnownBindings.of(connections);
        Map<AggregateType, Set<ServiceName>> live = new TreeMap<>((a, b) -> a.value().compareTo(b.value()));
        for (Binding binding : bindings) {
            if (!live.containsKey(binding.type())) {
                live.put(binding.type(), connections.registry().liveServices(binding.type(), now));
            }
        }
        LagReader lags = connections.lags();
        List<BindingStatus> statuses = new ArrayList<>();
        for (Binding binding : bindings) {
            BindingLag lag = lags.read(binding, now);
            int failedEvents = 0;
            Set<AggregateRef> failedAggregates = new HashSet<>();
            for (Ack failure : connections.acks().failures(binding.service(), binding.projection(), FAILURE_SCAN)) {
                if (failure.aggregate().type().equals(binding.type())) {
                    failedEvents++;
                    failedAggregates.add(failure.aggregate());
                }
            }
            statuses.add(new BindingStatus(binding, live.get(binding.type()).contains(binding.service()), lag,
                    failedEvents, failedAggregates.size()));
        }
        List<LoggedEvent> unpublished = connections.eventLog().unpublished(now, BACKLOG_SCAN + 1);
        Duration oldest = unpublished.isEmpty() ? Duration.ZERO
                : positive(Duration.between(unpublished.get(0).event().occurredAt(), now));
        return new Report(connections.settings().namespace().prefix(), now, statuses,
                Math.min(unpublished.size(), BACKLOG_SCAN), unpublished.size() > BACKLOG_SCAN, oldest);
    }

    private static Duration positive(Duration duration) {
        return duration.isNegative() ? Duration.ZERO : duration;
    }

    /** One binding's line of the report. */
    record BindingStatus(Binding binding, boolean live, BindingLag lag, int failedEvents, int failedAggregates) {
    }

    /** What {@code status} prints. */
    record Report(String namespace, Instant at, List<BindingStatus> bindings, int unpublished, boolean moreUnpublished,
                  Duration oldestUnpublished) {

        void print(PrintWriter out) {
            out.println("namespace  " + (namespace.isEmpty() ? "(none)" : namespace));
            out.println("at         " + at);
            out.println();
            out.println("SERVICES");
            Table services = new Table("TYPE", "SERVICE", "LIVE", "BINDINGS");
            Map<List<String>, List<BindingStatus>> byService = byService();
            byService.forEach((key, ofService) -> services.row(key.get(0), key.get(1),
                    ofService.get(0).live() ? "yes" : "no", ofService.size()));
            services.print(out);
            out.println();
            out.println("BINDINGS");
            Table table = new Table("TYPE", "SERVICE", "PROJECTION", "CHECKPOINT", "NEWEST", "LAG", "OLDEST UNACKED",
                    "FAILED AGGREGATES");
            for (BindingStatus status : bindings) {
                Binding binding = status.binding();
                table.row(binding.type().value(), binding.service().value(), binding.projection().value(),
                        status.lag().checkpoint(), status.lag().newestPosition(), status.lag().events(),
                        status.lag().oldestUnackedAge().isZero() ? "-" : Table.age(status.lag().oldestUnackedAge()),
                        status.failedAggregates());
            }
            table.print(out);
            out.println();
            out.println("RELAY");
            out.println("unpublished events  " + (moreUnpublished ? ">" : "") + unpublished);
            out.println("oldest              " + (unpublished == 0 ? "-" : Table.age(oldestUnpublished)));
        }

        /** Per (type, service), its bindings, in the report's order. */
        private Map<List<String>, List<BindingStatus>> byService() {
            Map<List<String>, List<BindingStatus>> byService = new LinkedHashMap<>();
            for (BindingStatus status : bindings) {
                byService.computeIfAbsent(List.of(status.binding().type().value(), status.binding().service().value()),
                        key -> new ArrayList<>()).add(status);
            }
            return byService;
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("namespace", namespace);
            json.put("at", at.toString());
            List<Object> services = new ArrayList<>();
            byService().forEach((key, ofService) -> {
                Map<String, Object> service = new LinkedHashMap<>();
                service.put("type", key.get(0));
                service.put("service", key.get(1));
                service.put("live", ofService.get(0).live());
                service.put("bindings", ofService.size());
                services.add(service);
            });
            json.put("services", services);
            List<Object> list = new ArrayList<>();
            for (BindingStatus status : bindings) {
                Map<String, Object> binding = new LinkedHashMap<>();
                binding.put("type", status.binding().type().value());
                binding.put("service", status.binding().service().value());
                binding.put("projection", status.binding().projection().value());
                binding.put("live", status.live());
                binding.put("checkpoint", status.lag().checkpoint());
                binding.put("newestPosition", status.lag().newestPosition());
                binding.put("lag", status.lag().events());
                binding.put("oldestUnackedAgeMillis", status.lag().oldestUnackedAge().toMillis());
                binding.put("failedEvents", status.failedEvents());
                binding.put("failedAggregates", status.failedAggregates());
                list.add(binding);
            }
            json.put("bindings", list);
            Map<String, Object> relay = new LinkedHashMap<>();
            relay.put("unpublished", unpublished);
            relay.put("moreUnpublished", moreUnpublished);
            relay.put("oldestUnpublishedAgeMillis", oldestUnpublished.toMillis());
            json.put("relay", relay);
            return json;
        }
    }
}
