package io.eventsource.adapter.postgresql;

import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.PortException;
import io.eventsource.ports.TransientPortException;
import org.hibernate.exception.JDBCConnectionException;
import org.hibernate.exception.LockAcquisitionException;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLKeyException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns what JDBC, the pool, Flyway and Hibernate throw into the ports' exceptions, by SQLState: transient when a
 * retry may help (connection refused or lost, serialization failure, deadlock, lock or statement timeout, server
 * shutting down or starting, too many connections), permanent otherwise (wrong credentials, missing privilege,
 * missing table or column, a value the schema refuses, and TLS that cannot be established: a server without TLS, a
 * certificate that is not trusted or does not name the host, a server that refuses a connection without TLS). The
 * driver's and Hibernate's exceptions stay as causes, never as the thrown type.
 */
final class PostgreSqlFailures {
    /** SQLStates (besides class 08, connection exceptions) that a retry may cure. */
    private static final Set<String> TRANSIENT_STATES = Set.of(
            "40001", // serialization failure
            "40P01", // deadlock detected
            "55P03", // lock not available (lock_timeout)
            "57014", // query canceled (statement_timeout, pg_cancel_backend)
            "57P01", // admin shutdown (pg_terminate_backend, smart or fast shutdown)
            "57P02", // crash shutdown
            "57P03", // cannot connect now (starting up, in recovery)
            "53300"  // too many connections
    );
    /** The driver's words for a TLS it cannot have, and the server's for a connection it refuses without TLS. */
    private static final Pattern TLS_REFUSED = Pattern.compile(
            "(?i)server does not support SSL|no pg_hba\\.conf entry for .*(SSL off|no encryption)");
    private static final String TLS_HINT = "the server must offer TLS with a certificate signed by an authority that the"
            + " driver trusts (~/.postgresql/root.crt, or the URL's sslrootcert) and that names the host, or choose"
            + " another mode with " + PostgreSqlSettings.TLS_VARIABLE + " (PostgreSqlSettings.tls: "
            + PostgreSqlSettings.Tls.VALUES + ")";

    private PostgreSqlFailures() {
    }

    /** The port exception for a failure while doing {@code action} (e.g. "appending to Product-42"). */
    static PortException translate(String action, Throwable failure) {
        if (failure instanceof PortException portException) {
            return portException;
        }
        SQLException sql = sqlCause(failure);
        String detail = sql == null ? describe(failure) : describe(sql);
        if (isTls(failure)) {
            // a retry meets the same server and the same certificate: permanent, however the driver files it
            return new PermanentPortException("PostgreSQL " + action + " failed: TLS could not be established: "
                    + detail + tlsCause(failure) + "; " + TLS_HINT, failure);
        }
        String message = "PostgreSQL " + action + " failed: " + detail;
        return isTransient(failure, sql) ? new TransientPortException(message, failure)
                : new PermanentPortException(message, failure);
    }

    /** Whether the failure is TLS that could not be established, anywhere among its causes. */
    static boolean isTls(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLHandshakeException || t instanceof SSLPeerUnverifiedException
                    || t instanceof SSLKeyException || t instanceof CertificateException) {
                return true;
            }
            if (t.getMessage() != null && TLS_REFUSED.matcher(t.getMessage()).find()) {
                return true;
            }
        }
        return false;
    }

    /** The deepest cause's words, which say what was wrong with the certificate; empty if the top says it all. */
    private static String tlsCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        SQLException sql = sqlCause(failure);
        String said = sql == null ? failure.getMessage() : sql.getMessage();
        return root == failure || root == sql || root.getMessage() == null || root.getMessage().equals(said) ? ""
                : " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }

    static boolean isTransient(Throwable failure, SQLException sql) {
        if (sql != null) {
            String state = sql.getSQLState() == null ? "" : sql.getSQLState();
            return sql instanceof SQLTransientException // includes timeouts and the pool's "no connection"
                    || sql instanceof SQLRecoverableException
                    || state.startsWith("08") // connection exception: refused, lost, rejected
                    || TRANSIENT_STATES.contains(state);
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof JDBCConnectionException || t instanceof LockAcquisitionException
                    || t instanceof org.hibernate.QueryTimeoutException
                    || t instanceof jakarta.persistence.QueryTimeoutException
                    || t instanceof jakarta.persistence.LockTimeoutException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** The first SQLException among the causes, if any. */
    static SQLException sqlCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /**
     * Whether the failure is a unique violation (SQLState 23505) of the constraint whose name ends in
     * {@code constraintSuffix} (the migrations name every constraint {@code <prefix><what>}).
     */
    static boolean isDuplicateKey(Throwable failure, String constraintSuffix) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                // the server says: duplicate key value violates unique constraint "es_event_id_key"
                return sql.getMessage() != null && sql.getMessage().contains(constraintSuffix + "\"");
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** Whether the failure is a deadlock or a serialization failure, which rolled the transaction back. */
    static boolean isDeadlock(Throwable failure) {
        SQLException sql = sqlCause(failure);
        return sql != null && ("40P01".equals(sql.getSQLState()) || "40001".equals(sql.getSQLState()));
    }

    private static String describe(SQLException sql) {
        return sql.getMessage() + " (SQLState " + sql.getSQLState() + ")";
    }

    private static String describe(Throwable failure) {
        return failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }
}
