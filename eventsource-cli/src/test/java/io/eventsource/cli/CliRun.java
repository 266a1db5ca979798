package io.eventsource.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** One run of the CLI in this process, as a terminal would run it: its exit code and what it printed. */
record CliRun(int exitCode, String out, String err) {

    /** Runs {@code args} with the process's environment, {@code EVENTSOURCE_NAMESPACE} set, and {@code input} typed. */
    static CliRun run(String namespace, String input, String... args) {
        return run(Map.of("EVENTSOURCE_NAMESPACE", namespace), input, args);
    }

    /** Runs {@code args} with the process's environment plus {@code variables}, and {@code input} typed. */
    static CliRun run(Map<String, String> variables, String input, String... args) {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.putAll(variables);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EventsourceCli.run(args, environment, new PrintWriter(out, true), new PrintWriter(err, true),
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), Clock.systemUTC());
        return new CliRun(code, out.toString(), err.toString());
    }
}
