package io.eventsource.adapter.rabbitmq;

import com.rabbitmq.client.AMQP;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.ports.Delivery;
import io.eventsource.ports.DeliveryListener;
import io.eventsource.ports.EndReason;
import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.PublishResult;
import io.eventsource.ports.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What only a real broker shows: expiry, auto-delete, single active consumer, recovery, returns, 404s. */
class RabbitMqBrokerBehaviourIT {
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final ServiceName SEARCH = ServiceName.of("search");
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    /** For tests where a standby consumer must outlive the idle timeout. */
    private static final ExpiryPolicy PATIENT = new ExpiryPolicy(Duration.ofSeconds(20), Duration.ofSeconds(30),
            Duration.ofSeconds(1), Duration.ofSeconds(5));

    private Broker broker;
    private Topology topology;
    private AggregateRef product;

    @BeforeEach
    void connect() throws Exception {
        broker = new Broker();
        topology = Topology.of(broker.namespace);
        product = AggregateRef.of("Product", "42");
    }

    @AfterEach
    void cleanUp() throws Exception {
        broker.close();
    }

    private String queue(AggregateRef aggregate, ServiceName service) {
        return topology.aggregateQueue(aggregate, service).value();
    }

    private String exchange(AggregateRef aggregate) {
        return topology.aggregateExchange(aggregate).value();
    }

    /*
     * A passive declare counts as use and restarts a queue's expiry, so these tests never poll an expiring queue: they
     * poll its exchange (which goes with its last queue), or a sentinel route declared just after it, and then look at
     * the queue once.
     */
    @Test
    void queueDisappearsAfterItsExpiryWithoutConsumerAndTheExchangeWithItsLastQueue() {
        RabbitMqMessageBus bus = broker.bus(Broker.SHORT);
        RabbitMqMessageBus patient = broker.bus(PATIENT);
        AggregateRef sentinel = AggregateRef.of("Product", "sentinel");
        bus.declareRoute(product, Set.of(ADS, SEARCH));
        assertThat(broker.queueExists(queue(product, ADS))).isTrue();
        assertThat(broker.queueExists(queue(product, SEARCH))).isTrue();
        assertThat(broker.exchangeExists(exchange(product))).isTrue();
        bus.declareRoute(sentinel, Set.of(ADS));
        Recorder search = Recorder.acking();
        Subscription searchSubscription = patient.subscribeAggregate(product, SEARCH, search);

        Poll.until("the sentinel route, declared after the queue, expired", PATIENCE,
                () -> !broker.exchangeExists(exchange(sentinel)));
        assertThat(broker.queueExists(queue(product, ADS))).as("the unused queue expired").isFalse();
        assertThat(broker.queueExists(queue(product, SEARCH))).as("the consumed queue lives").isTrue();
        assertThat(broker.exchangeExists(exchange(product))).as("the exchange keeps a queue").isTrue();

        searchSubscription.cancel();
        Poll.until("the exchange auto-deleted with its last queue", PATIENCE,
                () -> !broker.exchangeExists(exchange(product)));
        assertThat(broker.queueExists(queue(product, SEARCH))).isFalse();
        assertThat(search.ended.get()).isEqualTo(EndReason.CANCELLED);
    }

    @Test
    void publishingAloneDoesNotKeepAQueueAliveAndAVanishedExchangeIsReportedThenRecoveredOnAFreshChannel() {
        RabbitMqMessageBus bus = broker.bus(Broker.SHORT);
        bus.declareRoute(product, Set.of(ADS));
        long sequence = 0;
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        PublishResult result = new PublishResult.Routed();
        while (result.isRouted()) {
            assertThat(System.nanoTime()).as("the queue should expire although published to").isLessThan(deadline);
            sequence++;
            result = bus.publish(product, Recorder.events(product, sequence, sequence));
        }

        assertThat(result).isEqualTo(new PublishResult.ExchangeMissing(exchange(product)));
        assertThat(broker.queueExists(queue(product, ADS))).isFalse();
        assertThat(bus.publish(product, Recorder.events(product, 1, 1)))
                .as("the channel the 404 closed is not reused").isEqualTo(new PublishResult.ExchangeMissing(exchange(product)));
        bus.declareRoute(product, Set.of(ADS));
        assertThat(bus.publish(product, Recorder.events(product, 1, 3))).isEqualTo(new PublishResult.Routed());
    }

    @Test
    void anExchangeWithoutQueuesReturnsTheMessagesAsUnroutable() {
        RabbitMqMessageBus bus = broker.bus(Broker.SHORT);
        bus.declareRoute(product, Set.of());
        broker.deleteExchangeAfterwards(exchange(product));

        assertThat(bus.publish(product, Recorder.events(product, 1, 250)))
                .isEqualTo(new PublishResult.Unroutable(exchange(product)));
        assertThat(bus.announce(product))
                .as("no service declared the announcements of Product")
                .isEqualTo(new PublishResult.ExchangeMissing(topology.announcementExchange(product.type()).value()));
    }

    @Test
    void publishesManyEventsInOrderWithBatchedConfirms() {
        RabbitMqMessageBus bus = broker.bus(Broker.SHORT);
        bus.declareRoute(product, Set.of(ADS));
        Recorder recorder = Recorder.acking();
        bus.subscribeAggregate(product, ADS, recorder);

        assertThat(bus.publish(product, Recorder.events(product, 1, 1000))).isEqualTo(new PublishResult.Routed());

        Poll.until("all 1000 received", PATIENCE, () -> recorder.deliveries.size() == 1000);
        assertThat(recorder.sequences()).isEqualTo(LongStream.rangeClosed(1, 1000).boxed().collect(Collectors.toList()));
    }

    @Test
    void twoInstancesNeverBothReceiveAndOrderHoldsAcrossAHandOver() {
        RabbitMqMessageBus first = broker.bus(PATIENT);
        RabbitMqMessageBus second = broker.bus(PATIENT);
        first.declareRoute(product, Set.of(ADS));
        Recorder active = Recorder.holding();
        Recorder standby = Recorder.acking();
        Subscription activeSubscription = first.subscribeAggregate(product, ADS, active);
        Subscription standbySubscription = second.subscribeAggregate(product, ADS, standby);

        first.publish(product, Recorder.events(product, 1, 5));
        Poll.until("the active instance holds all five", PATIENCE, () -> active.deliveries.size() == 5);
        active.deliveries.get(0).ack();
        active.deliveries.get(1).ack();
        Poll.never("the standby instance receiving while the other is active", Duration.ofMillis(500),
                () -> !standby.deliveries.isEmpty());
        assertThat(standbySubscription.isOpen()).isTrue();

        activeSubscription.cancel();
        second.publish(product, Recorder.events(product, 6, 8));

        Poll.until("the standby instance took over", PATIENCE, () -> standby.deliveries.size() == 6);
        assertThat(standby.sequences()).containsExactly(3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(standby.deliveries.get(0).redelivered()).isTrue();
        assertThat(active.ended.get()).isEqualTo(EndReason.CANCELLED);
        active.deliveries.get(2).ack(); // after the end: ignored, the message went to the other instance
        assertThat(active.sequences()).containsExactly(1L, 2L, 3L, 4L, 5L);
        broker.deleteAfterwards(queue(product, ADS), exchange(product));
    }

    @Test
    void cancelsAnIdleConsumerButNeverOneHoldingAMessage() {
        RabbitMqMessageBus bus = broker.bus(Broker.SHORT);
        AggregateRef quiet = AggregateRef.of("Product", "quiet");
        bus.declareRoute(quiet, Set.of(ADS));
        bus.declareRoute(product, Set.of(ADS));
        Recorder idle = Recorder.acking();
        Recorder busy = Recorder.holding();
        Subscription idleSubscription = bus.subscribeAggregate(quiet, ADS, idle);
        Subscription busySubscription = bus.subscribeAggregate(product, ADS, busy);
        bus.publish(product, Recorder.events(product, 1, 1));
        Poll.until("the message is held", PATIENCE, () -> busy.deliveries.size() == 1);

        Poll.until("the idle consumer is cancelled", PATIENCE, () -> idle.ended.get() == EndReason.IDLE);
        assertThat(idleSubscription.isOpen()).isFalse();
        Poll.never("cancelling a consumer that holds a message", Duration.ofMillis(2_000),
                () -> !busySubscription.isOpen());

        busy.deliveries.get(0).ack();
        Poll.until("the consumer, settled, is idle", PATIENCE, () -> busy.ended.get() == EndReason.IDLE);
    }

    @Test
    void anIdleConsumerLeavesItsChannelToTheNextAggregateSubscription() {
        RabbitMqMessageBus bus = broker.bus(Broker.SHORT);
        AggregateRef other = AggregateRef.of("Product", "43");
        bus.declareRoute(product, Set.of(ADS));
        bus.declareRoute(other, Set.of(ADS));
        Recorder first = Recorder.acking();
        bus.subscribeAggregate(product, ADS, first);
        bus.publish(product, Recorder.events(product, 1, 3));
        Poll.until("the first consumer went idle", PATIENCE, () -> first.ended.get() == EndReason.IDLE);
        assertThat(bus.idleConsumerChannels()).as("its channel is kept").isEqualTo(1);

        Recorder second = Recorder.acking();
        Subscription next = bus.subscribeAggregate(other, ADS, second);
        assertThat(bus.idleConsumerChannels()).as("the next subscription took it").isZero();
        bus.publish(other, Recorder.events(other, 1, 3));
        Poll.until("the next subscription received its events", PATIENCE, () -> second.deliveries.size() == 3);
        assertThat(second.sequences()).containsExactly(1L, 2L, 3L);
        assertThat(first.sequences()).containsExactly(1L, 2L, 3L);
        next.cancel();
        Poll.until("the next subscription ended", PATIENCE, () -> second.ended.get() == EndReason.CANCELLED);
        assertThat(bus.idleConsumerChannels()).as("a cancelled subscription closes its channel").isZero();

        Recorder third = Recorder.acking();
        bus.subscribeAggregate(other, ADS, third);
        Poll.never("a message coming back: the acks on the reused channel were written", Duration.ofMillis(500),
                () -> !third.deliveries.isEmpty());
    }

    @Test
    void atTheConnectionsChannelMaxTheChannelsKeptForReuseMakeRoom() {
        // four channels: one to publish, two aggregate consumers, the announcement topology; none left
        RabbitMqMessageBus bus = broker.busWithChannelMax(Broker.SHORT, 4);
        AggregateRef other = AggregateRef.of("Product", "43");
        AggregateType type = product.type();
        bus.declareRoute(product, Set.of(ADS));
        bus.declareRoute(other, Set.of(ADS));
        Recorder first = Recorder.acking();
        Recorder second = Recorder.acking();
        bus.subscribeAggregate(product, ADS, first);
        bus.subscribeAggregate(other, ADS, second);
        Poll.until("both consumers went idle", PATIENCE,
                () -> first.ended.get() == EndReason.IDLE && second.ended.get() == EndReason.IDLE);
        assertThat(bus.idleConsumerChannels()).isEqualTo(2);
        bus.declareAnnouncements(type, ADS);
        bus.declareAnnouncements(type, SEARCH);
        broker.deleteAfterwards(topology.announcementQueue(type, ADS).value(),
                topology.announcementExchange(type).value());
        broker.deleteAfterwards(topology.announcementQueue(type, SEARCH).value(),
                topology.announcementExchange(type).value());

        List<AggregateRef> ads = new CopyOnWriteArrayList<>();
        List<AggregateRef> search = new CopyOnWriteArrayList<>();
        bus.subscribeAnnouncements(type, ADS, ads::add);
        bus.subscribeAnnouncements(type, SEARCH, search::add);

        assertThat(bus.idleConsumerChannels()).as("both kept channels were closed to make room").isZero();
        assertThat(bus.announce(product)).isEqualTo(new PublishResult.Routed());
        Poll.until("both subscriptions work", PATIENCE, () -> ads.contains(product) && search.contains(product));
    }

    @Test
    void aMessageArrivingAfterAnIdleEndReturnsToTheQueueInOrderBeforeTheChannelIsKeptAndTheEndSaysSo() {
        // prefetch 1: the broker sends message 6 once 5 is acked, and the listener acks 5 only after the end
        RabbitMqMessageBus bus = broker.bus(Broker.SHORT, broker.settings.withPrefetch(1));
        bus.declareRoute(product, Set.of(ADS));
        AtomicReference<QueueSubscription> firstSubscription = new AtomicReference<>();
        List<Long> first = new CopyOnWriteArrayList<>();
        AtomicReference<EndReason> firstEnd = new AtomicReference<>();
        DeliveryListener endsAtFive = new DeliveryListener() {
            @Override
            public void onDelivery(Delivery delivery) {
                first.add(delivery.event().sequence());
                if (delivery.event().sequence() == 5) {
                    firstSubscription.get().end(EndReason.IDLE, true);
                }
                delivery.ack();
            }

            @Override
            public void onEnded(EndReason reason) {
                firstEnd.set(reason);
            }
        };
        firstSubscription.set((QueueSubscription) bus.subscribeAggregate(product, ADS, endsAtFive));
        bus.publish(product, Recorder.events(product, 1, 50));
        Poll.until("the first consumer ended", PATIENCE, () -> firstEnd.get() != null);
        assertThat(firstEnd.get()).as("idle, but message 6 went back to the queue: subscribe again")
                .isEqualTo(EndReason.IDLE_WITH_RETURNED_MESSAGES);
        assertThat(bus.idleConsumerChannels()).as("its channel is kept, nothing left on it").isEqualTo(1);

        Recorder second = Recorder.acking();
        bus.subscribeAggregate(product, ADS, second);
        assertThat(bus.idleConsumerChannels()).as("taken by the next subscription").isZero();
        Poll.until("the rest arrived", PATIENCE, () -> second.deliveries.size() >= 45);
        assertThat(first).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(second.sequences()).as("the rest, in order, the returned one first")
                .isEqualTo(LongStream.rangeClosed(6, 50).boxed().collect(Collectors.toList()));
        assertThat(second.deliveries.get(0).redelivered()).as("message 6 came back to the queue").isTrue();
        Poll.never("a duplicate", Duration.ofMillis(300), () -> second.deliveries.size() > 45);
    }

    @Test
    void aConsumerEndingIdleWhileHoldingAMessageClosesItsChannelWhichReturnsTheMessage() {
        RabbitMqMessageBus bus = broker.bus(Broker.SHORT);
        bus.declareRoute(product, Set.of(ADS));
        Recorder holding = Recorder.holding();
        QueueSubscription subscription = (QueueSubscription) bus.subscribeAggregate(product, ADS, holding);
        bus.publish(product, Recorder.events(product, 1, 3));
        Poll.until("three held", PATIENCE, () -> holding.deliveries.size() == 3);

        subscription.end(EndReason.IDLE, true);
        Poll.until("ended", PATIENCE, () -> holding.ended.get() == EndReason.IDLE_WITH_RETURNED_MESSAGES);
        assertThat(bus.idleConsumerChannels()).as("a channel with unsettled messages is not kept").isZero();

        Recorder next = Recorder.acking();
        bus.subscribeAggregate(product, ADS, next);
        Poll.until("the held messages came back", PATIENCE, () -> next.deliveries.size() == 3);
        assertThat(next.sequences()).containsExactly(1L, 2L, 3L);
        assertThat(next.deliveries).allMatch(Delivery::redelivered);
    }

    @Test
    void aDeletedQueueEndsItsSubscription() throws Exception {
        RabbitMqMessageBus bus = broker.bus(Broker.SHORT);
        bus.declareRoute(product, Set.of(ADS));
        Recorder recorder = Recorder.acking();
        Subscription subscription = bus.subscribeAggregate(product, ADS, recorder);

        broker.deleteQueue(queue(product, ADS));

        Poll.until("the subscription ended", PATIENCE, () -> recorder.ended.get() == EndReason.QUEUE_DELETED);
        assertThat(subscription.isOpen()).isFalse();
        assertThatThrownBy(() -> bus.subscribeAggregate(product, ADS, Recorder.acking()))
                .isInstanceOf(PermanentPortException.class).hasMessageContaining("does not exist");
    }

    @Test
    void aMalformedMessageIsRejectedAndTheConsumerGoesOn() throws Exception {
        RabbitMqMessageBus bus = broker.bus(Broker.SHORT);
        bus.declareRoute(product, Set.of(ADS));
        Recorder recorder = Recorder.acking();
        Subscription subscription = bus.subscribeAggregate(product, ADS, recorder);

        broker.publishRaw(exchange(product), new AMQP.BasicProperties.Builder().contentType("text/plain").build(),
                "not an envelope".getBytes(StandardCharsets.UTF_8));
        broker.publishRaw(exchange(product), new AMQP.BasicProperties.Builder()
                .headers(Map.of("es-envelope-version", 99)).build(), new byte[0]);
        bus.publish(product, Recorder.events(product, 1, 2));

        Poll.until("the good events arrived", PATIENCE, () -> recorder.deliveries.size() == 2);
        assertThat(bus.malformedMessages()).isEqualTo(2);
        assertThat(subscription.isOpen()).isTrue();
        Poll.until("nothing left on the queue (rejected without requeue)", PATIENCE,
                () -> messageCount(queue(product, ADS)) == 0);
    }

    @Test
    void announcesToADeclaredServiceAndRefusesToConsumeUndeclaredAnnouncements() {
        RabbitMqMessageBus bus = broker.bus(Broker.SHORT);
        AggregateType type = product.type();
        bus.declareAnnouncements(type, ADS);
        bus.declareAnnouncements(type, ADS);
        broker.deleteAfterwards(topology.announcementQueue(type, ADS).value(),
                topology.announcementExchange(type).value());
        List<AggregateRef> announced = new CopyOnWriteArrayList<>();
        Subscription subscription = bus.subscribeAnnouncements(type, ADS, announced::add);

        assertThat(bus.announce(product)).isEqualTo(new PublishResult.Routed());

        Poll.until("announced", PATIENCE, () -> announced.size() == 1);
        assertThat(announced).containsExactly(product);
        subscription.cancel();
        assertThat(subscription.isOpen()).isFalse();
        assertThatThrownBy(() -> bus.subscribeAnnouncements(type, SEARCH, announced::add))
                .isInstanceOf(PermanentPortException.class).hasMessageContaining("declareAnnouncements");
    }

    @Test
    void aKilledConnectionRecoversAnnouncementsEndsAggregateSubscriptionsAndLosesNothing() throws Exception {
        List<Socket> sockets = new CopyOnWriteArrayList<>();
        RabbitMqMessageBus bus = broker.bus(Broker.SHORT, sockets);
        AggregateType type = product.type();
        AggregateRef expired = AggregateRef.of("Product", "expired");
        bus.declareAnnouncements(type, ADS);
        broker.deleteAfterwards(topology.announcementQueue(type, ADS).value(),
                topology.announcementExchange(type).value());
        List<AggregateRef> announced = new CopyOnWriteArrayList<>();
        Subscription announcements = bus.subscribeAnnouncements(type, ADS, announced::add);
        bus.declareRoute(expired, Set.of(ADS));
        // declared through the client's recording path, as a client without our precautions would: the recovery
        // filter alone must keep it from coming back
        String recorded = queue(AggregateRef.of("Product", "recorded"), ADS);
        com.rabbitmq.client.Channel recording = broker.connectionOf(bus).createChannel();
        recording.queueDeclare(recorded, true, false, false, Map.of("x-expires", 1_000));
        bus.declareRoute(product, Set.of(ADS));
        Recorder before = Recorder.holding();
        bus.subscribeAggregate(product, ADS, before);
        bus.publish(product, Recorder.events(product, 1, 3));
        Poll.until("the first events arrived", PATIENCE, () -> before.deliveries.size() == 3);
        before.deliveries.get(0).ack();
        before.deliveries.get(1).ack(); // the third stays unsettled: the consumer is busy, never idle
        Poll.until("another aggregate's route expired", PATIENCE, () -> !broker.exchangeExists(exchange(expired)));
        Poll.until("the recorded queue expired", PATIENCE, () -> !broker.queueExists(recorded));

        sockets.get(sockets.size() - 1).close();
        Poll.until("the aggregate subscription ended", PATIENCE, () -> before.ended.get() == EndReason.CONNECTION_LOST);
        // while the connection is down: the queue keeps what is published by another instance
        RabbitMqMessageBus other = broker.bus(Broker.SHORT);
        other.declareRoute(product, Set.of(ADS));
        assertThat(other.publish(product, Recorder.events(product, 4, 5))).isEqualTo(new PublishResult.Routed());

        Recorder after = Recorder.acking();
        Poll.until("subscribed again after recovery", PATIENCE, () -> {
            try {
                bus.declareRoute(product, Set.of(ADS));
                bus.subscribeAggregate(product, ADS, after);
                return true;
            } catch (io.eventsource.ports.TransientPortException stillRecovering) {
                return false;
            }
        });
        assertThat(bus.publish(product, Recorder.events(product, 6, 7))).isEqualTo(new PublishResult.Routed());
        Poll.until("everything arrived", PATIENCE, () -> after.deliveries.size() == 5);
        assertThat(before.sequences()).containsExactly(1L, 2L, 3L);
        assertThat(after.sequences()).as("the unsettled one again, then the rest, in order")
                .containsExactly(3L, 4L, 5L, 6L, 7L);
        assertThat(announcements.isOpen()).isTrue();
        assertThat(bus.announce(product)).isEqualTo(new PublishResult.Routed());
        Poll.until("an announcement arrived on the recovered consumer", PATIENCE, () -> announced.contains(product));
        assertThat(broker.queueExists(queue(expired, ADS))).as("recovery must not resurrect expired queues").isFalse();
        assertThat(broker.exchangeExists(exchange(expired))).isFalse();
        assertThat(broker.queueExists(recorded)).as("the recovery filter keeps recorded aggregate queues").isFalse();
        assertThat(recording.isOpen()).as("the recording channel itself was recovered").isTrue();
    }

    private long messageCount(String queue) {
        try {
            return broker.messageCount(queue);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void publishingRefusesEventsOfAnotherAggregate() {
        RabbitMqMessageBus bus = broker.bus(Broker.SHORT);

        assertThatThrownBy(() -> bus.publish(product, Recorder.events(AggregateRef.of("Product", "43"), 1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Product-43");
    }
}
