package io.eventsource.adapter.redis;

import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.PortException;
import io.eventsource.ports.TransientPortException;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisValidationException;

import java.util.List;

/** Turns Jedis's exceptions into the ports' own: nothing of {@code redis.clients} crosses the port. */
final class RedisFailures {
    /** Error replies of a server that is starting, failing over or busy: they pass. */
    private static final List<String> TRANSIENT_REPLIES = List.of("LOADING", "BUSY", "TRYAGAIN", "MASTERDOWN",
            "CLUSTERDOWN", "READONLY", "NOREPLICAS", "OOM");

    private RedisFailures() {
    }

    static PortException translate(String what, JedisException e) {
        String message = what + ": " + e.getMessage();
        // the cause is kept for the logs; callers must not (and from other modules cannot) depend on its type
        if (e instanceof JedisAccessControlException || e instanceof JedisValidationException) {
            return new PermanentPortException(message, e);
        }
        if (e instanceof JedisConnectionException || e instanceof JedisBusyException) {
            return new TransientPortException(message, e);
        }
        if (e instanceof JedisDataException) {
            // an error reply: wrong type under our key, an unknown command (Redis older than 6.2), no permission...
            String reply = e.getMessage() == null ? "" : e.getMessage();
            for (String code : TRANSIENT_REPLIES) {
                if (reply.startsWith(code)) {
                    return new TransientPortException(message, e);
                }
            }
            if (reply.startsWith("NOAUTH") || reply.startsWith("WRONGPASS") || reply.startsWith("NOPERM")) {
                return new PermanentPortException(message + " (check the user and password in "
                        + RedisSettings.URI_VARIABLE + ")", e);
            }
            return new PermanentPortException(message, e);
        }
        // e.g. no free connection in the pool within the timeout
        return new TransientPortException(message, e);
    }
}
