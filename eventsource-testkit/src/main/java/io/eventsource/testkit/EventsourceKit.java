package io.eventsource.testkit;

import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.core.EventHandler;
import io.eventsource.core.Eventsource;
import io.eventsource.core.EventsourceOptions;
import io.eventsource.core.Listener;
import io.eventsource.core.Publisher;
import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.EventSerializer;
import io.eventsource.ports.SnapshotStore;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The whole runtime in memory on a virtual clock, for a test: a producer, as many instances of each service as the
 * test starts, and helpers to let time pass and look at the outcome. Register it as a JUnit 5 extension; each test
 * gets a fresh system, stopped after it:
 *
 * <pre>{@code
 * @RegisterExtension
 * final EventsourceKit kit = EventsourceKit.create();
 *
 * @Test
 * void billsEveryOrder() {
 *     List<Event> billed = new ArrayList<>();
 *     kit.listen("billing", "Order", "invoices", billed::add);
 *     kit.publisher().publish(AggregateRef.of("Order", "1"), EventName.of("OrderPlaced"), Payload.json("{}"));
 *     kit.settle();
 *     assertThat(billed).extracting(Event::name).containsExactly(EventName.of("OrderPlaced"));
 * }
 * }</pre>
 *
 * <p>Time stands still until the test moves it: {@link #settle()} runs until every delivery is handled and
 * acknowledged, {@link #advance} moves the clock by a duration. Each {@link #listener} is one instance of a service,
 * as one process would be (its own runtime and broker connection on the kit's shared stores and broker), so a
 * test can start two instances of a service and {@link #crash} one of them.
 *
 * <p>After each test the kit stops every runtime and fails the test if a task threw on the virtual clock (an
 * exception that escaped the runtime). Outside JUnit, use it in try-with-resources: the system is made at first use
 * and {@link #close()} ends it. For one test thread at a time.
 */
public final class EventsourceKit implements BeforeEachCallback, AfterEachCallback, AutoCloseable {
    /** How far {@link #settle()} moves the clock at most before it reports what is still in motion. */
    public static final Duration SETTLE_LIMIT = Duration.ofMinutes(1);

    private final ExpiryPolicy expiry;
    private final EventsourceOptions options;
    private final EventSerializer serializer;
    private Stack stack;

    private EventsourceKit(ExpiryPolicy expiry, EventsourceOptions options, EventSerializer serializer) {
        this.expiry = Objects.requireNonNull(expiry, "expiry");
        this.options = Objects.requireNonNull(options, "options");
        this.serializer = serializer;
    }

    /**
     * A kit with the seed's durations ({@link ExpiryPolicy#seed()}) and the default options, except that publishing
     * does not retry ({@link EventsourceOptions#withPublishDeadline publish deadline} zero): a retry would wait for
     * the virtual clock, which only the test's thread moves. A broker outage thus makes {@code publish} return
     * {@link io.eventsource.core.Publication.Pending} at once, and the relay sends the events as the clock moves.
     */
    public static EventsourceKit create() {
        return new EventsourceKit(ExpiryPolicy.seed(), EventsourceOptions.defaults().withPublishDeadline(Duration.ZERO),
                null);
    }

    /**
     * A kit with these durations and options, for every runtime it makes. With a publish deadline above zero, a
     * {@code publish} that has to retry waits for a clock that nobody moves: use {@code publishAsync} and move the
     * clock, or keep the deadline at zero.
     */
    public static EventsourceKit create(ExpiryPolicy expiry, EventsourceOptions options) {
        return new EventsourceKit(expiry, options, null);
    }

    /**
     * This kit with typed events: every runtime it makes publishes and handles records through the serializer
     * ({@code publisher().publish(order, new OrderPaid(...))}, {@code binding.on(OrderPaid.class, ...)}), e.g.
     * {@code EventsourceKit.create().withSerializer(JacksonModule.serializer(JacksonSettings.defaults()))}.
     *
     * @throws IllegalStateException if this kit already made its system (call it where the kit is created)
     */
    public EventsourceKit withSerializer(EventSerializer serializer) {
        Objects.requireNonNull(serializer, "serializer");
        if (stack != null) {
            throw new IllegalStateException("withSerializer(...) must come before the kit makes its system: call it"
                    + " where the kit is created, e.g. EventsourceKit.create().withSerializer(...)");
        }
        return new EventsourceKit(expiry, options, serializer);
    }

    /** Makes the test's system (JUnit calls it before each test, before the test class's {@code @BeforeEach}). */
    @Override
    public void beforeEach(ExtensionContext context) {
        stack();
    }

    /**
     * Ends the test's system (JUnit calls it after each test).
     *
     * @throws AssertionError if a task threw on the virtual clock during the test
     */
    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    /**
     * Stops every runtime of the system gracefully, lets the clock finish their work in progress, and forgets the
     * system: the next use makes a new one.
     *
     * @throws AssertionError if a task threw on the virtual clock while the system ran
     */
    @Override
    public void close() {
        Stack ending = stack;
        if (ending == null) {
            return;
        }
        stack = null;
        ending.shutDown();
        List<Throwable> failures = ending.component().clock().failures();
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError(failures.size() + " task(s) threw on the virtual clock; the first: "
                    + failures.get(0), failures.get(0));
            failures.subList(1, failures.size()).forEach(error::addSuppressed);
            throw error;
        }
    }

    /** The producer's publisher: appends to the kit's event log and routes to the running instances. */
    public Publisher publisher() {
        return stack().producer().publisher();
    }

    /**
     * The producer's runtime, for what is built on one, such as
     * {@code AggregateRepository.of(kit.eventsource(), "Order", Order::initial, Order::apply)}. Listen through
     * {@link #listener} rather than its {@code listener}: the kit knows only its own instances.
     */
    public Eventsource eventsource() {
        return stack().producer();
    }

    /** The in-memory snapshot store, for {@code AggregateRepository.withSnapshots}. */
    public SnapshotStore snapshots() {
        return stack().component().snapshots();
    }

    /** The event log, to read what was published. */
    public EventLog eventLog() {
        return stack().component().eventLog();
    }

    /**
     * A new instance of the service, not started: bind its projections, attach handlers, then {@link Listener#start()}.
     * Each call is another instance (its own runtime and broker connection, on the kit's stores and broker), as
     * another process of the service would be; the first is named {@code billing#1}, the next {@code billing#2}.
     * Its {@code stop()} stops the whole instance gracefully; {@link #crash} kills it.
     *
     * @throws io.eventsource.domain.InvalidValueException if {@code service} is not a valid {@link ServiceName}
     */
    public Listener listener(String service) {
        return stack().newInstance(ServiceName.of(service));
    }

    /**
     * A new, started instance of the service with one binding, whose handler gets every event of the type:
     * {@code listener(service).listen(type, projection).onAny(handler)}, then {@code start()}.
     *
     * @throws io.eventsource.domain.InvalidValueException if a name is not valid
     */
    public Listener listen(String service, String type, String projection, EventHandler handler) {
        Objects.requireNonNull(handler, "handler");
        Listener instance = listener(service);
        instance.listen(type, projection).onAny(handler);
        instance.start();
        return instance;
    }

    /**
     * Kills an instance as {@code kill -9} would: nothing it scheduled runs any more (no heartbeat, retry, ack or
     * goodbye), and its broker connection dies, so that the broker returns what it held unacknowledged to the queues
     * and the service's other instances take its aggregates over. Its bindings are no longer waited for by
     * {@link #settle()}.
     *
     * @param instance an instance made by {@link #listener} or {@link #listen}
     * @throws IllegalArgumentException if {@code instance} was not made by this kit (in this test)
     * @throws IllegalStateException if it crashed already
     */
    public void crash(Listener instance) {
        Objects.requireNonNull(instance, "instance");
        stack().instanceOf(instance)
                .orElseThrow(() -> new IllegalArgumentException(instance + " is not an instance of this kit in this"
                        + " test; crash the instances made by EventsourceKit.listener or EventsourceKit.listen"))
                .crash();
    }

    /**
     * Moves the clock from one pending task to the next until nothing is in motion, at most {@link #SETTLE_LIMIT}:
     * no message waits in or is held from a queue that has a consumer, and every running binding has an ack, ok or
     * fail, for every event it is owed. A binding is owed the events of its type that occurred since its first
     * running instance started, less the sweeper's lookback (15 minutes by default), as the runtime's sweeper sees
     * it; a binding parked on an aggregate ({@code FailurePolicy.park()}) is not waited for on that aggregate. The
     * clock moves only as far as that needs: not at all when every delivery can run now, about 15 s when the sweeper
     * has to find what a crash stranded.
     *
     * @throws AssertionError if the system is still in motion after the limit (listing what is), or if a task threw
     *         on the virtual clock meanwhile
     */
    public void settle() {
        settle(SETTLE_LIMIT);
    }

    /**
     * As {@link #settle()}, moving the clock at most {@code limit}.
     *
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    public void settle(Duration limit) {
        Objects.requireNonNull(limit, "limit");
        if (limit.isNegative()) {
            throw new IllegalArgumentException("settle's limit must not be negative, got " + limit);
        }
        stack().settle(limit);
    }

    /**
     * Moves the clock forward by {@code duration}, running every task that falls due on the way: deliveries,
     * retries, heartbeats, idle consumers cancelled, queues expired.
     *
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public void advance(Duration duration) {
        stack().component().clock().advanceBy(duration);
    }

    /** The virtual clock's current instant. */
    public Instant now() {
        return stack().component().clock().instant();
    }

    /**
     * The acks of the binding, one per event of its type that it has an ack for, in log order.
     *
     * @throws NullPointerException if {@code binding} is null
     */
    public List<Ack> acksOf(Binding binding) {
        Objects.requireNonNull(binding, "binding");
        return stack().acksOf(stack().eventsOf(binding.type()), event -> AckKey.of(event.id(), binding));
    }

    /**
     * The acks of the service's projection, whatever the aggregate type, in log order.
     *
     * @throws io.eventsource.domain.InvalidValueException if a name is not valid
     */
    public List<Ack> acksOf(String service, String projection) {
        ServiceName name = ServiceName.of(service);
        Projection bound = Projection.of(projection);
        return stack().acksOf(stack().allEvents(), event -> new AckKey(event.id(), name, bound));
    }

    /**
     * Whether the aggregate's route to the service exists now: its queue for the service, bound to the aggregate's
     * exchange. A route goes once its consumer was idle and the queue unused for the queue expiry.
     *
     * @throws io.eventsource.domain.InvalidValueException if {@code service} is not a valid {@link ServiceName}
     */
    public boolean routeExists(AggregateRef aggregate, String service) {
        Objects.requireNonNull(aggregate, "aggregate");
        return stack().routeExists(aggregate, ServiceName.of(service));
    }

    /** The virtual clock, for what the kit does not wrap ({@code runDueTasks}, {@code failures}, ...). */
    public VirtualScheduler clock() {
        return stack().component().clock();
    }

    /** The simulated broker, to look inside it (queues, depths, consumers) or take it down and up again. */
    public InMemoryBroker broker() {
        return stack().component().broker();
    }

    private Stack stack() {
        if (stack == null) {
            stack = new Stack(expiry, options, serializer);
        }
        return stack;
    }
}
