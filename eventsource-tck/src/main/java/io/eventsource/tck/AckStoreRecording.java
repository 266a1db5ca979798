package io.eventsource.tck;

import io.eventsource.domain.Ack;
import io.eventsource.ports.AckStore;

import java.util.Collection;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Calls to {@link AckStore#record} as the suites need them: waited for, and their failure, however it comes. */
final class AckStoreRecording {
    /** How long a record may take to complete, either way. */
    static final long DURABLE_WITHIN_SECONDS = 30;

    private AckStoreRecording() {
    }

    /** Records the acks and waits until they are durable; any failure fails the test. */
    static void recordFully(AckStore store, Collection<Ack> acks) {
        Throwable failure = tryToRecord(store, acks);
        if (failure != null) {
            throw new AssertionError("record did not complete", failure);
        }
    }

    /**
     * Records the acks and waits for the outcome: null once they are durable, else the failure, whether
     * {@code record} threw it or its stage completed with it.
     *
     * @throws AssertionError if the stage does not complete in time
     */
    static Throwable tryToRecord(AckStore store, Collection<Ack> acks) {
        try {
            store.record(acks).toCompletableFuture().get(DURABLE_WITHIN_SECONDS, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException | CompletionException failed) {
            return failed.getCause() == null ? failed : failed.getCause();
        } catch (TimeoutException stuck) {
            throw new AssertionError("record neither completed nor failed within " + DURABLE_WITHIN_SECONDS + " s", stuck);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for record", interrupted);
        } catch (RuntimeException thrown) {
            return thrown;
        }
    }
}
