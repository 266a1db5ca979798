package io.eventsource.cli;

import io.eventsource.domain.Namespace;
import picocli.CommandLine.Option;

import java.util.Map;

/** The options every command takes: which namespace, and JSON instead of a table. */
final class CommonOptions {
    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
            description = "The namespace, such as staging. (default: EVENTSOURCE_NAMESPACE, else none)")
    String namespace;

    @Option(names = "--json", description = "Print JSON for scripts instead of a table")
    boolean json;

    /**
     * The settings from the environment, under {@code --namespace} if given.
     *
     * @throws io.eventsource.domain.InvalidValueException if a variable or the namespace is malformed
     */
    CliSettings settings(Map<String, String> environment) {
        CliSettings settings = CliSettings.fromEnvironment(environment);
        return namespace == null ? settings : settings.withNamespace(Namespace.parse(namespace));
    }
}
