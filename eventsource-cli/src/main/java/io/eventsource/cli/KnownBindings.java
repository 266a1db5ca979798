package io.eventsource.cli;

import io.eventsource.domain.Binding;

import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;

/**
 * The bindings of a namespace that the CLI knows of: those registered in the registry (which forgets them a liveness
 * TTL after their service's last heartbeat) and those that the acks and checkpoints name (which stay).
 */
final class KnownBindings {
    /** By type, service, projection. */
    static final Comparator<Binding> ORDER = Comparator.comparing((Binding binding) -> binding.type().value())
            .thenComparing(binding -> binding.service().value())
            .thenComparing(binding -> binding.projection().value());

    private KnownBindings() {
    }

    /**
     * The namespace's bindings, sorted.
     *
     * @throws io.eventsource.ports.PortException if Redis or the database cannot be read
     */
    static Set<Binding> of(Connections connections) {
        Set<Binding> known = new TreeSet<>(ORDER);
        known.addAll(connections.registry().bindings());
        known.addAll(connections.database().bindings());
        return known;
    }

    /**
     * Checks that the namespace has tables, before anything reads them: reading through the ports would create them.
     *
     * @throws CliException with {@link ExitCodes#EMPTY_NAMESPACE} if it has none
     */
    static void requireTables(Connections connections) {
        if (connections.database().tables().isEmpty()) {
            throw new CliException(ExitCodes.EMPTY_NAMESPACE, "namespace " + connections.settings().namespace()
                    + " has no tables (" + connections.settings().mySql().tablePrefix() + "*): nothing to report;"
                    + " set EVENTSOURCE_NAMESPACE or --namespace to the namespace of the services");
        }
    }
}
