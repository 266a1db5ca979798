package io.eventsource.adapter.mysql;

import java.util.List;

/**
 * How long a statement's variable list (ids after {@code IN}, ranges joined by {@code OR}) is written: the next power
 * of two of the entries it carries, padded with copies of the last entry. A batch of any size then runs one of a
 * handful of texts, whose parse the driver keeps ({@code cachePrepStmts}); with a text per size, nearly every batch
 * was a new text, parsed again (the benchmark's partitioned cold phase, profiled with JFR: the driver's parse was a
 * fifth of the log reads' CPU). A copy changes no result: {@code IN} and {@code OR} match a row once however often it
 * is named, and an update of a row already updated by the same statement finds nothing more to change.
 */
final class ListShapes {
    /** A placeholder for an identifier: ASCII, compared byte by byte, as the tables' identifier columns. */
    private static final String IDENTIFIER = "CONVERT(? USING ascii) COLLATE ascii_bin";

    private ListShapes() {
    }

    /** The length a list of {@code count} entries (1 or more) is written with: the smallest power of two not below it. */
    static int padded(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a statement's list needs 1 or more entries, got " + count);
        }
        return count == 1 ? 1 : Integer.highestOneBit(count - 1) << 1;
    }

    /** The entry at {@code index} of the padded list: the list's own, or its last one past its end. */
    static <T> T at(List<T> entries, int index) {
        return entries.get(Math.min(index, entries.size() - 1));
    }

    /**
     * A derived table of {@code count} rows whose values are placeholders, {@code columns} in each, for a statement to
     * join its keys to: {@code (SELECT ? AS id UNION ALL SELECT ? ...)}, its parameters row by row. Each value is made
     * an ASCII string of binary collation, as the identifier columns are: a derived table's column otherwise has the
     * connection's collation (utf8mb4_general_ci), and comparing an identifier column with it would ignore case, so
     * that ids differing only in case would match each other.
     */
    static String rows(int count, String... columns) {
        if (count < 1 || columns.length == 0) {
            throw new IllegalArgumentException("a derived table needs 1 or more rows and columns, got " + count
                    + " rows of " + columns.length + " columns");
        }
        StringBuilder rows = new StringBuilder(16 + count * (18 + 40 * columns.length)).append("(SELECT ");
        for (int column = 0; column < columns.length; column++) {
            rows.append(column == 0 ? "" : ", ").append(IDENTIFIER).append(" AS ").append(columns[column]);
        }
        for (int row = 1; row < count; row++) {
            rows.append(" UNION ALL SELECT ");
            for (int column = 0; column < columns.length; column++) {
                rows.append(column == 0 ? "" : ", ").append(IDENTIFIER);
            }
        }
        return rows.append(')').toString();
    }

    /** {@code count} placeholders, comma-separated. */
    static String placeholders(int count) {
        StringBuilder marks = new StringBuilder(count * 2);
        for (int i = 0; i < count; i++) {
            marks.append(i == 0 ? "?" : ",?");
        }
        return marks.toString();
    }
}
