package io.eventsource.adapter.rabbitmq;

/**
 * A message on one of our queues that is not a readable envelope: not ours, another envelope version, or an invalid
 * event. Checked, so that every consumer decides what to do with it (log, count, reject without requeue).
 */
final class MalformedMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedMessageException(String reason) {
        super(reason);
    }
}
