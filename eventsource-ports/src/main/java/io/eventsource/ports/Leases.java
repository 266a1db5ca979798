package io.eventsource.ports;

import io.eventsource.domain.InvalidValueException;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/** The argument rules of {@link ServiceRegistry#holdLease}, shared by every registry so that all refuse alike. */
public final class Leases {
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,64}");

    private Leases() {
    }

    /**
     * Checks the arguments of {@link ServiceRegistry#holdLease}.
     *
     * @throws InvalidValueException if the lease name is not 1-64 characters of {@code [a-z0-9-]}, the holder is
     *         blank, or the time to live is not positive
     */
    public static void check(String lease, String holder, Duration ttl) {
        if (lease == null || !NAME.matcher(lease).matches()) {
            throw new InvalidValueException("lease name must be 1-64 characters of [a-z0-9-], got "
                    + (lease == null ? "null" : "\"" + lease + "\""));
        }
        if (holder == null || holder.isBlank()) {
            throw new InvalidValueException("lease holder must not be blank, got "
                    + (holder == null ? "null" : "\"" + holder + "\""));
        }
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new InvalidValueException("lease time to live must be positive, got " + ttl);
        }
    }
}
