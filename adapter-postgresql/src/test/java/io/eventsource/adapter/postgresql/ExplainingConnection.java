package io.eventsource.adapter.postgresql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * A connection that runs each query prepared on it twice: first under {@code EXPLAIN (ANALYZE, FORMAT JSON)} with the
 * same parameters, keeping the plan, then as asked. A test hands {@link #connection()} to the adapter's own statement
 * code, so that the plan it looks at is the one of the text and parameters the adapter sends, whatever they are: put
 * back an older statement, and the test measures that one.
 */
final class ExplainingConnection {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connection connection;
    private final Connection explaining;
    private final List<JsonNode> plans = new ArrayList<>();

    /** @param connection a connection of the test's own, which the caller closes */
    ExplainingConnection(Connection connection) {
        this.connection = connection;
        this.explaining = proxy(Connection.class, connection, (method, args) -> {
            Object result = invoke(method, connection, args);
            if (method.getName().equals("prepareStatement") && args.length == 1) {
                return explaining((PreparedStatement) result, (String) args[0]);
            }
            return result;
        });
    }

    /** The connection to pass to the code under test. */
    Connection connection() {
        return explaining;
    }

    /**
     * How many rows the scans of {@code table} in the queries run so far produced or read and discarded (a filter's,
     * a recheck's), over all their loops: for an index scan, the index entries it read. {@code EXPLAIN} gives a node's
     * rows as an average per loop, rounded; a node that ends every loop after at most one row counts at most one per
     * loop.
     */
    long rowsRead(String table) {
        long rows = 0;
        for (JsonNode plan : plans) {
            rows += rowsRead(plan, table);
        }
        return rows;
    }

    /** The plans of the queries run so far, in their order. */
    List<JsonNode> plans() {
        return List.copyOf(plans);
    }

    private static long rowsRead(JsonNode node, String table) {
        long rows = 0;
        if (table.equals(node.path("Relation Name").asText())) {
            rows += Math.round((node.path("Actual Rows").asDouble() + node.path("Rows Removed by Filter").asDouble()
                    + node.path("Rows Removed by Index Recheck").asDouble()) * node.path("Actual Loops").asDouble());
        }
        for (JsonNode child : node.path("Plans")) {
            rows += rowsRead(child, table);
        }
        return rows;
    }

    /** The statement, whose parameters are noted as they are set, and whose query is explained before it runs. */
    private PreparedStatement explaining(PreparedStatement statement, String sql) {
        List<Object[]> settings = new ArrayList<>();
        List<Method> setters = new ArrayList<>();
        return proxy(PreparedStatement.class, statement, (method, args) -> {
            if (method.getName().startsWith("set") && args != null && args.length >= 2
                    && method.getParameterTypes()[0] == int.class) {
                setters.add(method);
                settings.add(args);
            } else if (method.getName().equals("executeQuery") && (args == null || args.length == 0)) {
                try (PreparedStatement explain = connection.prepareStatement(
                        "EXPLAIN (ANALYZE, FORMAT JSON) " + sql)) {
                    for (int i = 0; i < setters.size(); i++) {
                        invoke(setters.get(i), explain, settings.get(i));
                    }
                    try (ResultSet plan = explain.executeQuery()) {
                        plan.next();
                        plans.add(JSON.readTree(plan.getString(1)).get(0).get("Plan"));
                    }
                }
            }
            return invoke(method, statement, args);
        });
    }

    private interface Handler {
        Object handle(Method method, Object[] args) throws Throwable;
    }

    private static <T> T proxy(Class<T> type, T target, Handler handler) {
        InvocationHandler invocation = (proxy, method, args) -> handler.handle(method, args);
        return type.cast(Proxy.newProxyInstance(ExplainingConnection.class.getClassLoader(), new Class<?>[]{type},
                invocation));
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
