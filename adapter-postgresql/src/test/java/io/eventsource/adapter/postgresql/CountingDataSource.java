package io.eventsource.adapter.postgresql;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A DataSource in tests of what the adapter asks of the connections it is handed: a new driver connection per call,
 * counting those not yet closed (whether a user returns what it borrows), the statements executed on them and the
 * commits and rollbacks asked of them. Each connection serves one of the adapter's reads, so the counts are the
 * adapter's alone, whatever else the server does.
 */
final class CountingDataSource implements DataSource {
    private final String url;
    private final Properties properties;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger statements = new AtomicInteger();
    private final AtomicInteger commits = new AtomicInteger();
    private final AtomicInteger rollbacks = new AtomicInteger();
    private volatile boolean autoCommit = true;

    /** Connections to the settings' database, with the driver properties of the adapter's migrations. */
    CountingDataSource(PostgreSqlSettings settings) {
        this.url = settings.jdbcUrl();
        this.properties = HibernateBootstrap.driverProperties(settings);
    }

    /** Connections handed out and not closed. */
    int open() {
        return open.get();
    }

    /** The statements executed so far on the connections handed out. */
    int statements() {
        return statements.get();
    }

    /** The commits and rollbacks asked so far on the connections handed out, as {@code "commits/rollbacks"}. */
    String endings() {
        return commits.get() + "/" + rollbacks.get();
    }

    /** Hands out connections in autocommit (as the driver makes them, the default) or not, as a pool may. */
    CountingDataSource autoCommit(boolean on) {
        this.autoCommit = on;
        return this;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = DriverManager.getConnection(url, properties);
        connection.setAutoCommit(autoCommit);
        open.incrementAndGet();
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                (proxy, method, arguments) -> {
                    if (method.getName().equals("commit")) {
                        commits.incrementAndGet();
                    } else if (method.getName().equals("rollback") && (arguments == null || arguments.length == 0)) {
                        rollbacks.incrementAndGet();
                    }
                    if (method.getName().equals("close") && !connection.isClosed()) {
                        open.decrementAndGet();
                    }
                    Object result = invoke(connection, method, arguments);
                    return result instanceof Statement statement ? counting(statement) : result;
                });
    }

    private Object counting(Statement statement) {
        return Proxy.newProxyInstance(Statement.class.getClassLoader(), statementInterface(statement),
                (proxy, method, arguments) -> {
                    if (method.getName().startsWith("execute")) {
                        statements.incrementAndGet();
                    }
                    return invoke(statement, method, arguments);
                });
    }

    private static Class<?>[] statementInterface(Statement statement) {
        if (statement instanceof CallableStatement) {
            return new Class<?>[]{CallableStatement.class};
        }
        if (statement instanceof PreparedStatement) {
            return new Class<?>[]{PreparedStatement.class};
        }
        return new Class<?>[]{Statement.class};
    }

    private static Object invoke(Object target, Method method, Object[] arguments) throws Throwable {
        try {
            return method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the test's DataSource has one user");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }
}
