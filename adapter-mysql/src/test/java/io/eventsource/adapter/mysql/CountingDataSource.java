package io.eventsource.adapter.mysql;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * An application's DataSource in tests of what the adapter asks of it and of the server: a new driver connection per
 * call, counting the connections handed out and those not yet closed (whether a user returns what it borrows), the
 * statements executed on them and, when a connection closes, the index entries the server read on it after the first
 * (its session's {@code Handler_read_next} and {@code Handler_read_prev}: the entries a range or ref scan steps over,
 * beyond the one each lookup lands on), and the commits and rollbacks asked of them. Each connection is one of the
 * adapter's transactions or reads, so the counts are the adapter's alone, whatever else the server does.
 */
public final class CountingDataSource implements DataSource {
    private final String url;
    private final Properties properties = new Properties();
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger statements = new AtomicInteger();
    private final AtomicInteger commits = new AtomicInteger();
    private final AtomicInteger rollbacks = new AtomicInteger();
    private volatile boolean autoCommit = true;
    private final AtomicLong indexEntriesStepped = new AtomicLong();

    /** Connections to the settings' database, as the adapter's pool makes them. */
    public CountingDataSource(MySqlSettings settings) {
        this.url = settings.jdbcUrl();
        properties.putAll(HibernateBootstrap.driverProperties(settings));
        properties.setProperty("user", settings.user());
        properties.setProperty("password", settings.password());
    }

    /** Connections handed out so far. */
    public int opened() {
        return opened.get();
    }

    /** Connections handed out and not closed. */
    public int open() {
        return open.get();
    }

    /** The statements executed so far on the connections handed out. */
    public int statements() {
        return statements.get();
    }

    /** The commits and rollbacks asked so far on the connections handed out, as {@code "commits/rollbacks"}. */
    public String endings() {
        return commits.get() + "/" + rollbacks.get();
    }

    /** Hands out connections in autocommit (as the driver makes them, the default) or not, as a pool may. */
    public CountingDataSource autoCommit(boolean on) {
        this.autoCommit = on;
        return this;
    }

    /** The index entries stepped over so far on the connections handed out and closed since. */
    public long indexEntriesStepped() {
        return indexEntriesStepped.get();
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = DriverManager.getConnection(url, properties);
        connection.setAutoCommit(autoCommit);
        opened.incrementAndGet();
        open.incrementAndGet();
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                (proxy, method, arguments) -> {
                    if (method.getName().equals("commit")) {
                        commits.incrementAndGet();
                    } else if (method.getName().equals("rollback") && (arguments == null || arguments.length == 0)) {
                        rollbacks.incrementAndGet();
                    }
                    if (method.getName().equals("close") && !connection.isClosed()) {
                        indexEntriesStepped.addAndGet(indexEntriesStepped(connection));
                        open.decrementAndGet();
                    }
                    Object result = invoke(connection, method, arguments);
                    return result instanceof Statement statement ? counting(statement) : result;
                });
    }

    /** The session's index entries stepped over so far; read before the statement that reads them adds its own. */
    private static long indexEntriesStepped(Connection connection) throws SQLException {
        long stepped = 0;
        try (Statement show = connection.createStatement();
             ResultSet rows = show.executeQuery("SHOW SESSION STATUS WHERE Variable_name IN"
                     + " ('Handler_read_next', 'Handler_read_prev')")) {
            while (rows.next()) {
                stepped += rows.getLong(2);
            }
        }
        return stepped;
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
        if (statement instanceof java.sql.CallableStatement) {
            return new Class<?>[]{java.sql.CallableStatement.class};
        }
        if (statement instanceof java.sql.PreparedStatement) {
            return new Class<?>[]{java.sql.PreparedStatement.class};
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
