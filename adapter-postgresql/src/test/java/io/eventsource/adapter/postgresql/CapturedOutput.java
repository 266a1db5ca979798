package io.eventsource.adapter.postgresql;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Everything printed while it is open, for tests that look for what must never be printed: {@code System.out} and
 * {@code System.err} (where slf4j-simple writes), and java.util.logging (where Hibernate's JBoss Logging writes when
 * no other back end is present), with the given JUL loggers opened to every level. Still passes it all on.
 */
final class CapturedOutput implements AutoCloseable {
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final StringBuffer logged = new StringBuffer();
    private final PrintStream out = System.out;
    private final PrintStream err = System.err;
    private final Handler handler;
    // JUL holds its loggers weakly: keep the ones whose level was changed until it is restored
    private final Map<Logger, Level> levels = new LinkedHashMap<>();

    private CapturedOutput(String... julLoggers) {
        System.setOut(new PrintStream(new Tee(out, printed), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(err, printed), true, StandardCharsets.UTF_8));
        SimpleFormatter formatter = new SimpleFormatter();
        handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.append(formatter.format(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        handler.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(handler);
        for (String name : julLoggers) {
            Logger logger = Logger.getLogger(name);
            levels.put(logger, logger.getLevel());
            logger.setLevel(Level.ALL);
        }
    }

    /** Starts capturing, with the named java.util.logging loggers (e.g. {@code org.hibernate}) at every level. */
    static CapturedOutput start(String... julLoggersAtEveryLevel) {
        return new CapturedOutput(julLoggersAtEveryLevel);
    }

    /** What was printed and logged so far. */
    String text() {
        System.out.flush();
        System.err.flush();
        synchronized (printed) {
            return printed.toString(StandardCharsets.UTF_8) + logged;
        }
    }

    /** A failure as a log line would show it: its stack trace with every cause's message. */
    static String printed(Throwable failure) {
        StringWriter text = new StringWriter();
        failure.printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    @Override
    public void close() {
        System.setOut(out);
        System.setErr(err);
        Logger.getLogger("").removeHandler(handler);
        levels.forEach(Logger::setLevel);
    }

    private static final class Tee extends OutputStream {
        private final OutputStream original;
        private final ByteArrayOutputStream copy;

        Tee(OutputStream original, ByteArrayOutputStream copy) {
            this.original = original;
            this.copy = copy;
        }

        @Override
        public void write(int b) {
            synchronized (copy) {
                copy.write(b);
            }
            try {
                original.write(b);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            synchronized (copy) {
                copy.write(bytes, offset, length);
            }
            try {
                original.write(bytes, offset, length);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void flush() throws java.io.IOException {
            original.flush();
        }
    }
}
