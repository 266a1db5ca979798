package io.eventsource.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/** What every command reads and writes: the environment, the terminal's streams, and the clock. */
final class Cli {
    private final Map<String, String> environment;
    private final PrintWriter out;
    private final PrintWriter err;
    private final BufferedReader in;
    private final Clock clock;

    Cli(Map<String, String> environment, PrintWriter out, PrintWriter err, BufferedReader in, Clock clock) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.in = Objects.requireNonNull(in, "in");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    Map<String, String> environment() {
        return environment;
    }

    PrintWriter out() {
        return out;
    }

    /** Where prompts go, so that a report on the output stays clean for a script. */
    PrintWriter err() {
        return err;
    }

    Instant now() {
        return clock.instant();
    }

    /** The next line typed, without its line end; null at the end of the input. */
    String readLine() {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the confirmation from the input", e);
        }
    }
}
