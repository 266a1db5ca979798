package io.eventsource.examples;

import io.eventsource.tck.services.FaultProxy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Counts the messages RabbitMQ delivers to the runtimes, by routing key, read from the AMQP 0-9-1 frames that the
 * broker's {@link FaultProxy} forwards to its clients ({@code basic.deliver} method frames): the broker's own count
 * of deliveries, whichever consumer and channel got them, without the management plugin. The runtimes publish
 * events with an empty routing key to an aggregate's fanout exchange; a message a test publishes to a queue through
 * the default exchange carries the queue's name, so its deliveries are counted apart.
 */
final class AmqpDeliveries implements Supplier<FaultProxy.Tap> {
    private static final int FRAME_HEADER = 7;
    private static final int METHOD_FRAME = 1;
    private static final int BASIC_CLASS = 60;
    private static final int DELIVER_METHOD = 60;

    private final Map<String, AtomicInteger> byRoutingKey = new ConcurrentHashMap<>();

    /** How many times the broker delivered a message with this routing key, redeliveries included. */
    int of(String routingKey) {
        AtomicInteger count = byRoutingKey.get(routingKey);
        return count == null ? 0 : count.get();
    }

    @Override
    public FaultProxy.Tap get() {
        return new Frames();
    }

    /** The frames of one connection, from the broker to the client. */
    private final class Frames implements FaultProxy.Tap {
        private ByteBuffer pending = ByteBuffer.allocate(64 * 1024);

        @Override
        public void toClient(byte[] bytes, int offset, int length) {
            if (pending.remaining() < length) {
                ByteBuffer larger = ByteBuffer.allocate(Math.max(pending.capacity() * 2, pending.position() + length));
                pending.flip();
                larger.put(pending);
                pending = larger;
            }
            pending.put(bytes, offset, length);
            pending.flip();
            while (pending.remaining() >= FRAME_HEADER) {
                int start = pending.position();
                int type = pending.get(start) & 0xff;
                int size = pending.getInt(start + 3);
                if (pending.remaining() < FRAME_HEADER + size + 1) {
                    break;
                }
                if (type == METHOD_FRAME && size >= 4) {
                    deliver(pending.duplicate().position(start + FRAME_HEADER).limit(start + FRAME_HEADER + size));
                }
                pending.position(start + FRAME_HEADER + size + 1);
            }
            pending.compact();
        }

        /** Counts a {@code basic.deliver}: consumer tag, delivery tag, redelivered, exchange, routing key. */
        private void deliver(ByteBuffer method) {
            int classId = method.getShort() & 0xffff;
            int methodId = method.getShort() & 0xffff;
            if (classId != BASIC_CLASS || methodId != DELIVER_METHOD) {
                return;
            }
            shortString(method);
            method.getLong();
            method.get();
            shortString(method);
            byRoutingKey.computeIfAbsent(shortString(method), key -> new AtomicInteger()).incrementAndGet();
        }

        private String shortString(ByteBuffer buffer) {
            int length = buffer.get() & 0xff;
            byte[] text = new byte[length];
            buffer.get(text);
            return new String(text, StandardCharsets.UTF_8);
        }
    }
}
