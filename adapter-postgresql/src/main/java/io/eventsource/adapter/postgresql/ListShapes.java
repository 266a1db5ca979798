package io.eventsource.adapter.postgresql;

import java.util.List;

/**
 * How long a statement's variable list (ids after {@code IN}, ranges joined by {@code OR}) is written: the next power
 * of two of the entries it carries, padded with copies of the last entry. A batch of any size then runs one of a
 * handful of texts. The driver keeps its parse of a text in the connection's statement cache, and server-prepares a
 * text only after it has run {@code prepareThreshold} (5) times on that connection; with a text per size, nearly every
 * batch is a new text, parsed by the driver and parsed and planned by the server every time (the same statements in
 * the MySQL adapter, profiled with JFR in the benchmark's partitioned cold phase: the driver's parse of new texts was
 * a fifth of the log reads' CPU). A copy changes no result: {@code IN} and {@code OR} match a row once however often it
 * is named, and an update of a row already updated by the same statement finds nothing more to change.
 */
final class ListShapes {
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

    /** {@code count} placeholders, comma-separated. */
    static String placeholders(int count) {
        StringBuilder marks = new StringBuilder(count * 2);
        for (int i = 0; i < count; i++) {
            marks.append(i == 0 ? "?" : ",?");
        }
        return marks.toString();
    }
}
