package io.eventsource.examples;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes a namespace's keys in Redis, as an operator's {@code FLUSHDB} or a restart without persistence would: a
 * few RESP commands on a socket of its own (the examples' tests do not read the Redis client, which stays inside its
 * adapter).
 */
final class RedisKeys {
    private static final int TIMEOUT_MILLIS = 5_000;

    private RedisKeys() {
    }

    /**
     * Deletes every key that starts with {@code prefix} in the database of {@code redis}
     * ({@code redis://[user:password@]host[:port][/db]}).
     *
     * @return the keys deleted
     */
    static List<String> deleteAll(URI redis, String prefix) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(redis.getHost(), redis.getPort() < 0 ? 6379 : redis.getPort()),
                    TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            String userInfo = redis.getRawUserInfo();
            if (userInfo != null) {
                int colon = userInfo.indexOf(':');
                String user = colon < 0 ? "" : decode(userInfo.substring(0, colon));
                String password = decode(colon < 0 ? userInfo : userInfo.substring(colon + 1));
                call(in, out, user.isEmpty() ? List.of("AUTH", password) : List.of("AUTH", user, password));
            }
            String path = redis.getPath();
            if (path != null && path.length() > 1) {
                call(in, out, List.of("SELECT", path.substring(1)));
            }
            List<String> keys = new ArrayList<>();
            for (Object key : (List<?>) call(in, out, List.of("KEYS", glob(prefix) + "*"))) {
                keys.add((String) key);
            }
            if (!keys.isEmpty()) {
                List<String> delete = new ArrayList<>();
                delete.add("DEL");
                delete.addAll(keys);
                call(in, out, delete);
            }
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete the keys " + prefix + "* in Redis", e);
        }
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    /** The prefix with Redis's glob characters escaped. */
    private static String glob(String prefix) {
        return prefix.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }

    private static Object call(InputStream in, OutputStream out, List<String> command) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("*" + command.size() + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (String argument : command) {
            byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
            request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            request.writeBytes(bytes);
            request.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.write(request.toByteArray());
        out.flush();
        return reply(in, command.get(0));
    }

    private static Object reply(InputStream in, String command) throws IOException {
        int type = in.read();
        String line = line(in);
        switch (type) {
            case '+':
                return line;
            case ':':
                return Long.parseLong(line);
            case '-':
                throw new IOException("Redis refused " + command + ": " + line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length + 2);
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    items.add(reply(in, command));
                }
                return items;
            }
            default:
                throw new IOException("Unexpected reply to " + command + " from Redis: " + (char) type + line);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("Redis closed the connection");
            }
            if (previous == '\r' && next == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(next);
            previous = next;
        }
    }
}
