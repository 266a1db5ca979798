package io.eventsource.cli;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ExchangeName;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.QueueName;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code drop-namespace}: removes what a namespace holds, after a confirmation (the namespace typed, or
 * {@code --yes}): its broker objects, its Redis keys, then its tables. Stop the namespace's services first: a running
 * one declares its queues and writes its keys again.
 *
 * <p><b>Broker objects.</b> AMQP cannot list a broker's queues (RabbitMQ's management API, port 15672, may not be
 * enabled), so the names come from {@link Topology}: the announcement exchange of every type and the announcement
 * queue of every (type, service) of the namespace's bindings, as the registry and the acks and checkpoints know them;
 * and the aggregate exchange and queues of every aggregate with an event in the last {@link #recentWindow}, and the
 * partition exchange and queues of every type the registry records as partitioned. Older
 * aggregates have no queue left: an aggregate queue expires once unused for the queue expiry, and its exchange goes
 * with its last queue. On the broker's host, {@code rabbitmqctl list_queues name | grep '^{namespace}'} shows what is
 * left.
 */
@Command(name = "drop-namespace", mixinStandardHelpOptions = true,
        description = {"Removes a namespace's broker objects, Redis keys and tables, after confirmation.",
                "Stop the namespace's services first."})
final class DropNamespaceCommand implements Callable<Integer> {
    /** How many recent aggregates' queues are looked for. */
    static final int RECENT_AGGREGATES = 10_000;

    private final Cli cli;

    @Mixin
    private CommonOptions options;

    @Option(names = "--yes", description = "Do not ask: remove at once (for scripts)")
    private boolean yes;

    DropNamespaceCommand(Cli cli) {
        this.cli = cli;
    }

    /** Events older than this have no aggregate queue left: idle timeout, queue expiry, and a minute of clock skew. */
    static Duration recentWindow(ExpiryPolicy expiry) {
        return expiry.consumerIdleTimeout().plus(expiry.queueExpiry()).plusMinutes(1);
    }

    @Override
    public Integer call() {
        CliSettings settings = options.settings(cli.environment());
        Namespace namespace = settings.namespace();
        if (namespace.prefix().isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "drop-namespace needs a namespace (EVENTSOURCE_NAMESPACE or"
                    + " --namespace): without one it would remove the tables es_* and keys that no namespace marks as"
                    + " its own");
        }
        if (!yes) {
            confirm(namespace);
        }
        try (Connections connections = new Connections(settings)) {
            Report report = drop(connections, cli.now());
            if (options.json) {
                cli.out().println(Json.write(report.toJson()));
            } else {
                report.print(cli.out());
            }
        }
        return ExitCodes.OK;
    }

    private void confirm(Namespace namespace) {
        PrintWriter prompt = cli.err();
        prompt.print("This removes the broker objects, Redis keys and tables of namespace " + namespace
                + ". Type the namespace to confirm: ");
        prompt.flush();
        String typed = cli.readLine();
        if (typed == null || !typed.strip().equals(namespace.prefix())) {
            throw new CliException(ExitCodes.NOT_CONFIRMED, "not confirmed: nothing was removed (type \""
                    + namespace.prefix() + "\", or pass --yes)");
        }
    }

    private static Report drop(Connections connections, Instant now) {
        CliSettings settings = connections.settings();
        Topology topology = Topology.of(settings.namespace());
        Set<Binding> bindings = KnownBindings.of(connections);
        Map<AggregateType, Set<ServiceName>> services = new LinkedHashMap<>();
        for (Binding binding : bindings) {
            services.computeIfAbsent(binding.type(), type -> new LinkedHashSet<>()).add(binding.service());
        }
        Duration window = recentWindow(settings.expiry());
        Set<AggregateRef> recent = connections.database().aggregatesWithEventsSince(now.minus(window),
                RECENT_AGGREGATES);
        Set<QueueName> queues = new LinkedHashSet<>();
        Set<ExchangeName> exchanges = new LinkedHashSet<>();
        services.forEach((type, ofType) -> {
            exchanges.add(topology.announcementExchange(type));
            ofType.forEach(service -> queues.add(topology.announcementQueue(type, service)));
            // a partitioned type's queues are durable and live long: the registry's record says how many there are
            // (asking records the seed's topology where none was recorded, but the registry's keys go below anyway)
            if (connections.registry().agreeTopology(type, AggregateTopology.perAggregate())
                    instanceof AggregateTopology.Partitioned partitioned) {
                exchanges.add(topology.partitionExchange(type));
                for (int partition = 0; partition < partitioned.partitions(); partition++) {
                    int k = partition;
                    ofType.forEach(service -> queues.add(topology.partitionQueue(type, k, service)));
                }
            }
        });
        for (AggregateRef aggregate : recent) {
            exchanges.add(topology.aggregateExchange(aggregate));
            services.getOrDefault(aggregate.type(), Set.of())
                    .forEach(service -> queues.add(topology.aggregateQueue(aggregate, service)));
        }
        List<String> brokerObjects = queues.isEmpty() && exchanges.isEmpty() ? List.of()
                : connections.broker().delete(queues, exchanges);
        List<String> keys = connections.redisKeys().deleteKeys();
        List<String> tables = connections.database().dropTables();
        return new Report(settings.namespace().prefix(), brokerObjects, keys, tables, window);
    }

    /** What {@code drop-namespace} removed. */
    record Report(String namespace, List<String> brokerObjects, List<String> redisKeys, List<String> tables,
                  Duration window) {

        void print(PrintWriter out) {
            out.println("Removed from namespace " + namespace + ":");
            section(out, "BROKER OBJECTS", brokerObjects);
            section(out, "REDIS KEYS", redisKeys);
            section(out, "TABLES", tables);
            out.println();
            out.println("Aggregate queues of aggregates without events in the last " + Table.age(window)
                    + " were not looked for: they expire by themselves.");
        }

        private static void section(PrintWriter out, String title, List<String> names) {
            out.println();
            out.println(title + " (" + names.size() + ")");
            names.forEach(name -> out.println("  " + name));
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("namespace", namespace);
            json.put("brokerObjects", new ArrayList<>(brokerObjects));
            json.put("redisKeys", new ArrayList<>(redisKeys));
            json.put("tables", new ArrayList<>(tables));
            return json;
        }
    }
}
