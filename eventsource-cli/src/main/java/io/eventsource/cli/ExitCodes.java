package io.eventsource.cli;

/** The CLI's exit codes, listed in its help ({@link EventsourceCli}'s footer) and in the README. */
final class ExitCodes {
    /** The command did its work. */
    static final int OK = 0;
    /** A service (RabbitMQ, Redis, MySQL/MariaDB) could not be reached, refused the credentials, or failed. */
    static final int SERVICE_FAILURE = 1;
    /** Invalid command line or setting: an unknown option, a malformed value or environment variable. */
    static final int USAGE = 2;
    /** {@code drop-namespace} was not confirmed: nothing was removed. */
    static final int NOT_CONFIRMED = 3;
    /** The namespace has no tables: nothing to report (a wrong {@code EVENTSOURCE_NAMESPACE} or {@code --namespace}?). */
    static final int EMPTY_NAMESPACE = 4;
    /** A failure the CLI did not expect (a bug): printed with its stack trace. */
    static final int UNEXPECTED = 70;

    private ExitCodes() {
    }
}
