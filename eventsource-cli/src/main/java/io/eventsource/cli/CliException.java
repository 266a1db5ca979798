package io.eventsource.cli;

/**
 * An expected way for a command to end without doing its work (nothing to report, not confirmed): the message is
 * printed as is, without a stack trace, and the process exits with {@link #exitCode()}.
 */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
