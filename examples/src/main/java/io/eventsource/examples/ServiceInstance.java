package io.eventsource.examples;

import io.eventsource.core.Listener;
import io.eventsource.domain.ExpiryPolicy;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One instance of one of the scenario's services, {@code products}, {@code ads} or {@code api-legacy}, on the
 * real services ({@link RealServicesComposition}, configured from the environment): it listens to {@code Product}
 * with its projection and prints one line per event it projects, {@code ads Product-p-101 #3 PriceChanged -> ...},
 * and its projection's summary every 10 s while events arrive. Start several instances of a service: the broker
 * gives each aggregate to one of them at a time. Runs until stopped (Ctrl-C stops it gracefully).
 *
 * <pre>{@code java -cp ... io.eventsource.examples.ServiceInstance ads}</pre>
 */
public final class ServiceInstance {
    /** The scenario's services by name. */
    static final Map<String, Supplier<Demo.Projector>> SERVICES = Map.of("products", Demo.Catalog::new,
            "ads", Demo.Ads::new, "api-legacy", Demo.LegacyApi::new);
    private static final long SUMMARY_EVERY_SECONDS = 10;

    private ServiceInstance() {
    }

    /**
     * Runs an instance of the service named by {@code args[0]} until the process is stopped.
     *
     * @throws IllegalArgumentException for a missing or unknown service name
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1 || !SERVICES.containsKey(args[0])) {
            throw new IllegalArgumentException("usage: ServiceInstance <service>, one of "
                    + List.copyOf(new java.util.TreeSet<>(SERVICES.keySet())) + (args.length == 0 ? ""
                    : "; got " + List.of(args)));
        }
        PrintStream out = System.out;
        Demo.Projector projector = SERVICES.get(args[0]).get();
        String service = projector.service().value();
        projector.observedBy((event, view) -> out.println(service + " " + event.aggregate() + " #" + event.sequence()
                + " " + event.name().value() + " -> " + view));

        RealStack stack = RealStack.open(RealSettings.fromEnvironment());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            out.println(service + " stopped; " + projector.handled() + " events handled here: " + projector.summary());
            stopped.countDown();
        }, "service-instance-shutdown"));

        Listener listener = stack.eventsource().listener(projector.service());
        projector.bind(listener);
        listener.start();
        ExpiryPolicy expiry = stack.settings().expiry();
        out.println(String.format(Locale.ROOT, "%s listening to %s in namespace %s (idle %s, queue expiry %s,"
                        + " topology %s) as instance %s", service, Demo.PRODUCT, stack.namespace(),
                expiry.consumerIdleTimeout(), expiry.queueExpiry(),
                stack.settings().options().topologyOf(Demo.PRODUCT).describe(), listener.instance()));

        int printed = 0;
        while (!stopped.await(SUMMARY_EVERY_SECONDS, TimeUnit.SECONDS)) {
            int handled = projector.handled();
            if (handled != printed) {
                out.println(service + " summary: " + handled + " events handled here; " + projector.summary());
                printed = handled;
            }
        }
    }
}
