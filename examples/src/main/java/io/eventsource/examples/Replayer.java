package io.eventsource.examples;

import io.eventsource.core.ReplayEngine;
import io.eventsource.core.ReplayRun;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ReplayProgress;
import io.eventsource.domain.ReplayRequest;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Replays a binding's events from a process that is not a listener of its service, as an admin tool does: a
 * {@link ReplayEngine} on the real services (configured from the environment), which sends the events through the
 * service's queues for its live instances to handle. It prints its progress, {@code replay <id> sent <n> of <m>},
 * whenever it moves, and {@code replay <id> finished} at the end. Started again with the same id after a crash, it goes
 * on from the stored progress.
 *
 * <pre>{@code
 * java -cp ... io.eventsource.examples.Replayer <service> <type> <projection> <replay-id> <events/s> <lease ms>
 * }</pre>
 */
public final class Replayer {
    private Replayer() {
    }

    /**
     * Replays every event of the binding's type under the id, at the throttle, and exits once all are sent.
     *
     * @throws IllegalArgumentException for a wrong number of arguments
     */
    public static void main(String[] args) throws InterruptedException, ExecutionException {
        if (args.length != 6) {
            throw new IllegalArgumentException("usage: Replayer <service> <type> <projection> <replay-id> <events/s>"
                    + " <lease ms>; got " + List.of(args));
        }
        PrintStream out = System.out;
        Binding binding = Binding.of(args[0], args[1], args[2]);
        ReplayRequest request = ReplayRequest.all().id(args[3]).throttle(Integer.parseInt(args[4]));
        RealStack stack = RealStack.open(RealSettings.fromEnvironment());
        try {
            ReplayRun run = stack.replays(Duration.ofMillis(Long.parseLong(args[5]))).replay(binding, request);
            long printed = -1;
            while (true) {
                ReplayProgress progress = run.progress();
                if (progress.sent() != printed) {
                    out.println("replay " + run.id() + " sent " + progress.sent() + " of " + progress.selected());
                    printed = progress.sent();
                }
                try {
                    run.done().toCompletableFuture().get(20, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException notYet) {
                    // keep printing
                }
            }
            out.println("replay " + run.id() + " finished: " + run.progress().sent() + " sent");
        } finally {
            stack.close();
        }
    }
}
