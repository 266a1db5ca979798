package io.eventsource.adapter.postgresql.entity;

/**
 * The sizes of the columns, as the migrations create them: the adapter checks values against these
 * before writing, so an oversized value is refused with a message instead of a database error.
 */
public final class Columns {
    public static final int EVENT_ID = 64;
    public static final int AGGREGATE_TYPE = 64;
    public static final int AGGREGATE_ID = 128;
    public static final int EVENT_NAME = 128;
    public static final int CONTENT_TYPE = 100;
    /** A {@code BYTEA} holds up to 1 GiB; the settings cap the payload at the MySQL adapter's 16 MiB - 1. */
    public static final int PAYLOAD = (1 << 24) - 1;
    /** A {@code TEXT}, in bytes of UTF-8: the MySQL adapter's limit, so that metadata moves between the two. */
    public static final int METADATA = 65_535;
    public static final int SERVICE = 64;
    public static final int PROJECTION = 64;
    public static final int STATUS = 4;
    /** Characters. */
    public static final int LAST_ERROR = 1000;

    private Columns() {
    }
}
