package io.eventsource.adapter.postgresql;

import org.hibernate.boot.model.naming.Identifier;
import org.hibernate.boot.model.naming.PhysicalNamingStrategyStandardImpl;
import org.hibernate.engine.jdbc.env.spi.JdbcEnvironment;

/** Maps the entities' {@code es_*} tables to the configured prefix. */
final class TablePrefixNamingStrategy extends PhysicalNamingStrategyStandardImpl {
    private static final long serialVersionUID = 1L;
    private final String prefix;

    TablePrefixNamingStrategy(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public Identifier toPhysicalTableName(Identifier logicalName, JdbcEnvironment context) {
        String name = logicalName.getText();
        if (name.startsWith(Tables.MAPPED_PREFIX)) {
            return Identifier.toIdentifier(prefix + name.substring(Tables.MAPPED_PREFIX.length()), logicalName.isQuoted());
        }
        return logicalName;
    }
}
