package io.eventsource.adapter.mysql;

import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.PortException;
import io.eventsource.ports.TransientPortException;
import org.hibernate.exception.JDBCConnectionException;
import org.hibernate.exception.LockAcquisitionException;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Turns what JDBC, the pool and Hibernate throw into the ports' exceptions: transient when a retry may
 * help (connection refused or lost, deadlock, lock wait or query timeout, server shutting down, too many
 * connections), permanent otherwise (wrong credentials, missing privilege, missing table or column, a value
 * the schema refuses). The driver's and Hibernate's exceptions stay as causes, never as the thrown type.
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

    private Failures() {
    }

    /** The port exception for a failure while doing {@code action} (e.g. "appending to Product-42"). */
    static PortException translate(String action, Throwable failure) {
        if (failure instanceof PortException portException) {
            return portException;
        }
        SQLException sql = sqlCause(failure);
        String detail = sql == null ? describe(failure) : describe(sql);
        String message = "MySQL " + action + " failed: " + detail;
        return isTransient(failure, sql) ? new TransientPortException(message, failure)
                : new PermanentPortException(message, failure);
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
