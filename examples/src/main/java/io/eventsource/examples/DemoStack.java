package io.eventsource.examples;

import io.eventsource.core.Eventsource;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A composition the demo runs on: the runtime and the stores it reads its summaries from, plus a way to let
 * time pass. Each composition is one Dagger component; {@link #open} picks one by name.
 */
interface DemoStack extends AutoCloseable {

    /** The compositions the demo knows, by the name given as its first argument. */
    List<String> NAMES = List.of("inmemory");

    /**
     * Opens the named composition.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    static DemoStack open(String name) {
        if ("inmemory".equals(name)) {
            return InMemoryStack.open();
        }
        throw new IllegalArgumentException("unknown composition \"" + name + "\"; known: " + NAMES);
    }

    /** The composition's name, for the printout. */
    String name();

    Eventsource eventsource();

    EventLog eventLog();

    AckStore ackStore();

    /**
     * Lets time pass until {@code settled} holds or {@code limit} has passed: on the virtual clock by advancing
     * it, on real services by waiting.
     *
     * @return whether it settled
     */
    boolean awaitUntil(BooleanSupplier settled, Duration limit);

    /** How long the demo's run took on this composition's clock. */
    Duration elapsed();

    /** Stops the runtime, then the ports. */
    @Override
    void close();
}
