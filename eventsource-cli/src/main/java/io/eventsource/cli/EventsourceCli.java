package io.eventsource.cli;

import io.eventsource.domain.InvalidValueException;
import io.eventsource.ports.PortException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The admin CLI's entry point: {@code java -jar eventsource-cli/target/eventsource-cli.jar status}. Each command is
 * a class of its own, listed in {@link #COMMANDS}; expected failures (a service down, a bad setting, no confirmation)
 * print one line and exit with their {@link ExitCodes code}, never a stack trace.
 */
@Command(name = "eventsource", mixinStandardHelpOptions = true, version = "eventsource admin CLI 0.1.0",
        description = "Looks into and administers one namespace of eventsource on RabbitMQ, Redis and MySQL/MariaDB.",
        footer = {"", "Exit codes:", "  0   done",
                "  1   a service could not be reached, refused the credentials, or failed",
                "  2   invalid command line or setting", "  3   drop-namespace not confirmed: nothing removed",
                "  4   the namespace has no tables: nothing to report",
                "  70  unexpected failure (a bug; printed with its stack trace)", "",
                "Settings: EVENTSOURCE_AMQP_URI, EVENTSOURCE_REDIS_URI, EVENTSOURCE_JDBC_URL, EVENTSOURCE_JDBC_USER,",
                "EVENTSOURCE_JDBC_PASSWORD, EVENTSOURCE_NAMESPACE (or --namespace); local services by default."})
public final class EventsourceCli implements Callable<Integer> {

    /**
     * The commands, in the order the help lists them. A command is made with the {@link Cli} it reads and writes
     * through; {@code replay} (replay by range) joins this list when it lands.
     */
    static final List<Function<Cli, Object>> COMMANDS = List.of(
            StatusCommand::new,
            FailuresCommand::new,
            ReplayCommand::new,
            DropNamespaceCommand::new);

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private EventsourceCli() {
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        // Hibernate logs through JBoss Logging, which falls back to java.util.logging unless told otherwise: send it to
        // SLF4J, whose simplelogger.properties keeps an operator's output to warnings
        if (System.getProperty("org.jboss.logging.provider") == null) {
            System.setProperty("org.jboss.logging.provider", "slf4j");
        }
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(run(args, System.getenv(), out, err, System.in, Clock.systemUTC()));
    }

    /**
     * Runs one command line.
     *
     * @return the exit code ({@link ExitCodes})
     */
    static int run(String[] args, Map<String, String> environment, PrintWriter out, PrintWriter err, InputStream in,
                   Clock clock) {
        Cli cli = new Cli(environment, out, err,
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), clock);
        EventsourceCli top = new EventsourceCli();
        CommandLine line = new CommandLine(top);
        for (Function<Cli, Object> command : COMMANDS) {
            line.addSubcommand(command.apply(cli));
        }
        line.setOut(out);
        line.setErr(err);
        line.setExecutionExceptionHandler((failure, command, parsed) -> {
            out.flush();
            return report(failure, err);
        });
        try {
            return line.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** One line for an expected failure, the stack trace too for an unexpected one; the exit code. */
    static int report(Exception failure, PrintWriter err) {
        if (failure instanceof CliException expected) {
            err.println("error: " + expected.getMessage());
            return expected.exitCode();
        }
        if (failure instanceof PortException port) {
            // the adapters' messages name the service and never hold a password
            err.println("error: " + port.getMessage());
            return ExitCodes.SERVICE_FAILURE;
        }
        if (failure instanceof InvalidValueException invalid) {
            err.println("error: " + invalid.getMessage());
            return ExitCodes.USAGE;
        }
        err.println("error: unexpected failure, please report it: " + failure);
        failure.printStackTrace(err);
        return ExitCodes.UNEXPECTED;
    }

    /** Without a command: the usage, and the usage exit code. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
