package io.eventsource.adapter.postgresql;

import org.hibernate.StatelessSession;

/**
 * The row of {@code <prefix>log_head}, locked for one append transaction: it hands out the next positions and is
 * written back before the commit. Holding it is what makes appends commit in position order (see
 * {@link HibernateEventLog}); the lock is released by the commit or the rollback, never earlier.
 */
final class LogHead {
    private final Tables tables;
    private final long locked;
    private long last;

    private LogHead(Tables tables, long last) {
        this.tables = tables;
        this.locked = last;
        this.last = last;
    }

    /** Waits for the row's lock (held by an append that has not yet committed), then reads the last position. */
    static LogHead lock(StatelessSession session, Tables tables) {
        Long last = session.createNativeQuery("SELECT last_position FROM " + tables.logHead()
                        + " WHERE id = 1 FOR UPDATE", Long.class)
                .getSingleResult();
        return new LogHead(tables, last.longValue());
    }

    /** The next position, for the next event inserted in this transaction. */
    long next() {
        return ++last;
    }

    /** Writes the last position handed out; nothing to write if none was. */
    void save(StatelessSession session) {
        if (last == locked) {
            return;
        }
        session.createNativeMutationQuery("UPDATE " + tables.logHead() + " SET last_position = :last WHERE id = 1")
                .setParameter("last", last)
                .executeUpdate();
    }
}
