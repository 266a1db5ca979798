package io.eventsource.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * The {@code eventsource.*} properties: the same settings as the environment variables the adapters read
 * ({@code EVENTSOURCE_AMQP_URI}, {@code EVENTSOURCE_REDIS_URI}, {@code EVENTSOURCE_JDBC_*},
 * {@code EVENTSOURCE_NAMESPACE}, {@code EVENTSOURCE_MAX_PAYLOAD_BYTES} and the lifecycle durations), with the same
 * defaults: the local services. A value the adapters refuse stops the application at start with a message that names
 * the property.
 */
@ConfigurationProperties(prefix = "eventsource")
public class EventsourceProperties {

    /**
     * The service that handlers listen for when their {@code @EventsourceHandler} or {@code EventsourceProjection}
     * names none. Unset: the application's name ({@code spring.application.name}).
     */
    private String service;

    /**
     * In front of every broker name and Redis key, and of the tables ({@code staging.} gives {@code staging_es_*}):
     * 1-36 characters of [a-z0-9_] starting with a letter, then a '.'. Unset or empty: none.
     */
    private String namespace = "";

    /** The largest event payload accepted, in bytes (at most 16,777,215 on MySQL). */
    private int maxPayloadBytes = 1_048_576;

    private final Amqp amqp = new Amqp();
    private final Redis redis = new Redis();
    private final Jdbc jdbc = new Jdbc();
    private final Expiry expiry = new Expiry();
    private final Listeners listeners = new Listeners();

    public String getService() {
        return service;
    }

    public void setService(String service) {
        this.service = service;
    }

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    public int getMaxPayloadBytes() {
        return maxPayloadBytes;
    }

    public void setMaxPayloadBytes(int maxPayloadBytes) {
        this.maxPayloadBytes = maxPayloadBytes;
    }

    public Amqp getAmqp() {
        return amqp;
    }

    public Redis getRedis() {
        return redis;
    }

    public Jdbc getJdbc() {
        return jdbc;
    }

    public Expiry getExpiry() {
        return expiry;
    }

    public Listeners getListeners() {
        return listeners;
    }

    /** RabbitMQ, which carries the events. */
    public static class Amqp {
        /**
         * The broker: amqp://user:password@host:port/vhost, or amqps:// for TLS (the certificate and host name are
         * checked against the JVM's trust store). Percent-encode '@', '/', ':' and '%' in the password.
         */
        private String uri = "amqp://guest:guest@127.0.0.1:5672";

        public String getUri() {
            return uri;
        }

        public void setUri(String uri) {
            this.uri = uri;
        }
    }

    /** Redis, which keeps who is listening. */
    public static class Redis {
        /** The registry: redis://[user:password@]host[:port][/db], or rediss:// for TLS. */
        private String uri = "redis://127.0.0.1:6379";

        public String getUri() {
            return uri;
        }

        public void setUri(String uri) {
            this.uri = uri;
        }
    }

    /** MySQL 8 or MariaDB 10.11+, which keeps the event log and the acks. */
    public static class Jdbc {
        /**
         * Whether the event log and the acks live on the application's DataSource when it has exactly one; the
         * url, user, password and tls below are then unused. False: a pool of eventsource's own, from them.
         */
        private boolean useDataSource = true;

        /** The database, without credentials or TLS parameters (jdbc:mysql://host:port/database). */
        private String url = "jdbc:mysql://127.0.0.1:3306/test";

        /** The database user; it creates and migrates the tables at start. */
        private String user = "eventsource";

        /** The user's password (never in the URL). */
        private String password = "eventsource";

        /**
         * How the connection is protected: disabled, required (encrypted, certificate not checked) or
         * verify-identity. Unset: verify-identity, or disabled if every host of the URL is a loopback address.
         */
        private String tls;

        /** Connections in eventsource's own pool (unused on the application's DataSource). */
        private int poolSize = 8;

        public boolean isUseDataSource() {
            return useDataSource;
        }

        public void setUseDataSource(boolean useDataSource) {
            this.useDataSource = useDataSource;
        }

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getUser() {
            return user;
        }

        public void setUser(String user) {
            this.user = user;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public String getTls() {
            return tls;
        }

        public void setTls(String tls) {
            this.tls = tls;
        }

        public int getPoolSize() {
            return poolSize;
        }

        public void setPoolSize(int poolSize) {
            this.poolSize = poolSize;
        }
    }

    /** The lifecycle durations; every process of a namespace must use the same queue expiry. */
    public static class Expiry {
        /** A consumer that received nothing for this long is cancelled. */
        private Duration consumerIdleTimeout = Duration.ofSeconds(5);

        /** A queue unused for this long is deleted by the broker (each aggregate queue's x-expires). */
        private Duration queueExpiry = Duration.ofSeconds(30);

        /** How often a listening service renews its bindings in the registry. */
        private Duration heartbeatInterval = Duration.ofSeconds(5);

        /** A service is live while its last heartbeat is younger than this. */
        private Duration livenessTtl = Duration.ofSeconds(30);

        public Duration getConsumerIdleTimeout() {
            return consumerIdleTimeout;
        }

        public void setConsumerIdleTimeout(Duration consumerIdleTimeout) {
            this.consumerIdleTimeout = consumerIdleTimeout;
        }

        public Duration getQueueExpiry() {
            return queueExpiry;
        }

        public void setQueueExpiry(Duration queueExpiry) {
            this.queueExpiry = queueExpiry;
        }

        public Duration getHeartbeatInterval() {
            return heartbeatInterval;
        }

        public void setHeartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
        }

        public Duration getLivenessTtl() {
            return livenessTtl;
        }

        public void setLivenessTtl(Duration livenessTtl) {
            this.livenessTtl = livenessTtl;
        }
    }

    /** The listeners made from the application's handler beans. */
    public static class Listeners {
        /** Whether they start with the application context (false: start them by hand, with the lifecycle bean). */
        private boolean autoStartup = true;

        public boolean isAutoStartup() {
            return autoStartup;
        }

        public void setAutoStartup(boolean autoStartup) {
            this.autoStartup = autoStartup;
        }
    }
}
