package io.eventsource.adapter.redis;

import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.PortException;
import io.eventsource.ports.TransientPortException;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

import static org.assertj.core.api.Assertions.assertThat;

class RedisFailuresTest {

    @Test
    void aLostConnectionIsTransient() {
        PortException failure = RedisFailures.translate("Could not read", new JedisConnectionException("Connection refused"));

        assertThat(failure).isInstanceOf(TransientPortException.class).hasMessage("Could not read: Connection refused");
    }

    @Test
    void aServerThatIsLoadingBusyOrFailingOverIsTransient() {
        for (String reply : new String[]{"LOADING Redis is loading the dataset in memory", "TRYAGAIN", "MASTERDOWN",
                "READONLY You can't write against a read only replica.", "OOM command not allowed"}) {
            assertThat(RedisFailures.translate("x", new JedisDataException(reply))).as(reply)
                    .isInstanceOf(TransientPortException.class);
        }
        assertThat(RedisFailures.translate("x", new JedisBusyException("BUSY script"))).isInstanceOf(TransientPortException.class);
    }

    @Test
    void wrongCredentialsArePermanentAndPointAtTheUri() {
        assertThat(RedisFailures.translate("x", new JedisAccessControlException("WRONGPASS invalid username-password pair")))
                .isInstanceOf(PermanentPortException.class);
        assertThat(RedisFailures.translate("x", new JedisDataException("NOAUTH Authentication required.")))
                .isInstanceOf(PermanentPortException.class)
                .hasMessageContaining("EVENTSOURCE_REDIS_URI");
    }

    @Test
    void anyOtherErrorReplyIsPermanent() {
        assertThat(RedisFailures.translate("x", new JedisDataException(
                "WRONGTYPE Operation against a key holding the wrong kind of value")))
                .isInstanceOf(PermanentPortException.class);
        assertThat(RedisFailures.translate("x", new JedisDataException("ERR unknown command 'ZADD GT'")))
                .isInstanceOf(PermanentPortException.class);
    }

    @Test
    void anExhaustedPoolIsTransient() {
        assertThat(RedisFailures.translate("x", new JedisException("Could not get a resource from the pool")))
                .isInstanceOf(TransientPortException.class);
    }
}
