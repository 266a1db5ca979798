package io.eventsource.adapter.rabbitmq;

/**
 * A message on one of our queues that is not a readable envelope: not ours, another envelope version, or an invalid
 * event. Checked, so that every consumer decides what to do with it (log, count, reject without requeue). Its reason
 * quotes what the message held, so it is escaped and cut ({@link Untrusted}): it goes to a WARN line.
 */
final class MalformedMessageException extends Exception {
    private static final long serialVersionUID = 1L;
    private static final int REASON_LENGTH = 300;

    MalformedMessageException(String reason) {
        super(Untrusted.text(reason, REASON_LENGTH));
    }
}
