package io.eventsource.adapter.mysql;

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
 * Turns what JDBC, the pool and Hibernate throw into the ports' exceptions: transient when a retry may
 * help (connection refused or lost, deadlock, lock wait or query timeout, server shutting down, too many
 * connections), permanent otherwise (wrong credentials, missing privilege, missing table or column, a value
 * the schema refuses, and TLS that cannot be established: a server without TLS, a certificate that is not trusted
 * or does not name the host, a server that refuses a connection without TLS). The driver's and Hibernate's
 * exceptions stay as causes, never as the thrown type.
 */
final class Failures {
    /**
     * Server and client error codes that a retry may cure. The same numbers on MySQL 8 and MariaDB except
     * where noted.
     */
    private static final Set<Integer> TRANSIENT_CODES = Set.of(
            1040, // too many connections
            1053, // server shutdown in progress
            1152, 1153, 1154, 1155, 1156, 1157, 1158, 1159, 1160, 1161, // aborted connection, network read/write errors
            1205, // lock wait timeout exceeded
            1213, // deadlock found, transaction rolled back
            1317, // query execution was interrupted (KILL QUERY)
            1927, // MariaDB: connection was killed
            1969, // MariaDB: max_statement_time exceeded
            2002, 2003, 2006, 2013, // client: cannot connect, server gone away, lost connection
            3024, // MySQL: max_execution_time exceeded
            4031  // MySQL 8.0.24+: client disconnected by the server for inactivity
    );

    /** MySQL 8 (and MariaDB 11): "Connections using insecure transport are prohibited while --require_secure_transport=ON". */
    private static final int INSECURE_TRANSPORT_PROHIBITED = 3159;
    /**
     * mysql-connector-j's words for a TLS it cannot have: "SSL Connection required, but not provided by server",
     * "SSL connection required for plugin ...".
     */
    private static final Pattern TLS_REFUSED = Pattern.compile("(?i)\\bSSL connection required\\b");
    private static final String TLS_HINT = "the server must offer TLS with a certificate that the JVM trusts and that"
            + " names the host, or choose another mode with " + MySqlSettings.TLS_VARIABLE + " (MySqlSettings.tls: "
            + MySqlSettings.Tls.VALUES + ")";

    private Failures() {
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
            return new PermanentPortException("MySQL " + action + " failed: TLS could not be established: " + detail
                    + tlsCause(failure) + "; " + TLS_HINT, failure);
        }
        String message = "MySQL " + action + " failed: " + detail;
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
            if (t instanceof SQLException sql && sql.getErrorCode() == INSECURE_TRANSPORT_PROHIBITED) {
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
            return sql instanceof SQLTransientException // includes timeouts, rollbacks and the pool's "no connection"
                    || sql instanceof SQLRecoverableException // the driver's CommunicationsException
                    || state.startsWith("08") // connection exception
                    || state.equals("40001") // serialization failure / deadlock
                    || TRANSIENT_CODES.contains(sql.getErrorCode());
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof JDBCConnectionException || t instanceof LockAcquisitionException
                    || t instanceof org.hibernate.QueryTimeoutException
                    || t instanceof jakarta.persistence.QueryTimeoutException
                    || t instanceof jakarta.persistence.LockTimeoutException) {
                return true;
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

    /** Whether the failure is a duplicate key on the named unique key (error 1062, on MySQL and MariaDB). */
    static boolean isDuplicateKey(Throwable failure, String keyName) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() == 1062) {
                // MariaDB says "for key 'uk_name'", MySQL 8 "for key 'table.uk_name'"
                return sql.getMessage() != null && sql.getMessage().contains(keyName + "'");
            }
        }
        return false;
    }

    private static String describe(SQLException sql) {
        return sql.getMessage() + " (error " + sql.getErrorCode() + ", SQLState " + sql.getSQLState() + ")";
    }

    private static String describe(Throwable failure) {
        return failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }
}
