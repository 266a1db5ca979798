package io.eventsource.adapter.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.ShutdownSignalException;
import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.PortException;
import io.eventsource.ports.TransientPortException;

import java.util.Optional;

/** Turns what amqp-client throws into the ports' exceptions, transient or permanent, with a message that says why. */
final class BrokerFailures {
    static final int NOT_FOUND = AMQP.NOT_FOUND;

    private BrokerFailures() {
    }

    /**
     * @param action what was attempted, e.g. {@code declaring the route of Product-42}
     */
    static PortException translate(String action, Throwable failure) {
        if (failure instanceof PortException) {
            return (PortException) failure;
        }
        if (failure instanceof AuthenticationFailureException) {
            return new PermanentPortException(action + " failed: the broker refused the credentials", failure);
        }
        Optional<Method> reason = closeReason(failure);
        if (reason.isPresent()) {
            int code = replyCode(reason.get());
            String text = replyText(reason.get());
            if (code == AMQP.ACCESS_REFUSED || code == AMQP.NOT_ALLOWED) {
                return new PermanentPortException(action + " failed: the broker refused it (" + code + " " + text
                        + "); check the user's permissions on the virtual host", failure);
            }
            if (code == AMQP.PRECONDITION_FAILED) {
                return new PermanentPortException(action + " failed: " + text + " (" + code + "). The object exists "
                        + "with other properties, e.g. declared by a deployment with another queue expiry: delete it "
                        + "or use the same settings everywhere", failure);
            }
            return new TransientPortException(action + " failed: " + text + " (" + code + ")", failure);
        }
        if (failure instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new TransientPortException(action + " was interrupted", failure);
        }
        return new TransientPortException(action + " failed: " + failure, failure);
    }

    /** Whether the failure is the broker closing a channel with 404 (no such exchange or queue). */
    static boolean isNotFound(Throwable failure) {
        return closeReason(failure).map(BrokerFailures::replyCode).filter(code -> code == NOT_FOUND).isPresent();
    }

    /**
     * The exchange a 404 names ({@code NOT_FOUND - no exchange 'X' in vhost '/'}), if the broker's reply says which.
     */
    static Optional<String> missingExchange(Throwable failure) {
        return closeReason(failure).filter(AMQP.Channel.Close.class::isInstance)
                .map(reason -> ((AMQP.Channel.Close) reason).getReplyText())
                .flatMap(text -> {
                    int start = text.indexOf("no exchange '");
                    int end = start < 0 ? -1 : text.indexOf("' in vhost", start);
                    return end < 0 ? Optional.empty()
                            : Optional.of(text.substring(start + "no exchange '".length(), end));
                });
    }

    private static Optional<Method> closeReason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException) {
                Object reason = ((ShutdownSignalException) t).getReason();
                return reason instanceof Method ? Optional.of((Method) reason) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static int replyCode(Method reason) {
        if (reason instanceof AMQP.Channel.Close) {
            return ((AMQP.Channel.Close) reason).getReplyCode();
        }
        if (reason instanceof AMQP.Connection.Close) {
            return ((AMQP.Connection.Close) reason).getReplyCode();
        }
        return 0;
    }

    private static String replyText(Method reason) {
        if (reason instanceof AMQP.Channel.Close) {
            return ((AMQP.Channel.Close) reason).getReplyText();
        }
        if (reason instanceof AMQP.Connection.Close) {
            return ((AMQP.Connection.Close) reason).getReplyText();
        }
        return reason.protocolMethodName();
    }
}
