package io.eventsource.domain;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An optional prefix in front of every broker object and registry key, such as {@code staging.}, and the prefix
 * of the tables, {@code staging_es_}: environments and test runs that share a broker, a Redis or a database never
 * see each other's queues, keys or rows.
 *
 * <p>The form is narrow so that two namespaces never make the same name: a namespace is a name of
 * {@code [a-z0-9_]} starting with a letter, ended by one {@code .}, the only one. Aggregate types have no
 * {@code .}, so in a name made under a namespace the first {@code .} ends the namespace; a name made under no
 * namespace has a {@code -} before its first {@code .}, or no {@code .} at all (only ids, services and leases may
 * hold a {@code .}, and each follows a {@code -}). Hence {@link Topology} names under distinct namespaces differ.
 * Without that rule {@code shop} + type {@code Product} named what no namespace + type {@code shopProduct} names,
 * and {@code shop-x.} + {@code ProductAggregateIds} what type {@code shop} with id {@code x.ProductAggregateIds}
 * names. Lower case only, because table names are case-insensitive on some database servers.
 *
 * @param prefix empty (no namespace), or 1-{@value #MAX_NAME_LENGTH} characters of {@code [a-z0-9_]} starting with a
 *               letter followed by one {@code .}, such as {@code staging.}
 */
public record Namespace(String prefix) {
    /**
     * The longest namespace, in characters before its {@code .}: its table prefix ({@code {name}_es_}, 4 more) is then
     * at most 40 characters, which leaves 24 of MySQL's 64 (PostgreSQL's 63) for the table's own name.
     */
    public static final int MAX_NAME_LENGTH = 36;
    /** No prefix: the seed's bare names, and tables {@code es_*}. */
    public static final Namespace NONE = new Namespace("");
    /** What every table prefix ends in, and the whole prefix of the tables of {@link #NONE}. */
    static final String TABLE_MARK = "es_";
    private static final Pattern ALLOWED = Pattern.compile("[a-z][a-z0-9_]{0," + (MAX_NAME_LENGTH - 1) + "}\\.");
    private static final String RULE = "1-" + MAX_NAME_LENGTH + " characters of [a-z0-9_] starting with a letter, then"
            + " one '.' that ends it, such as \"staging.\"";

    /**
     * Checks the prefix; the empty prefix is no namespace.
     *
     * @throws InvalidValueException if the prefix is null, or not empty and not {@code [a-z][a-z0-9_]*.} of at most
     *         {@value #MAX_NAME_LENGTH} characters before the {@code .}; the message suggests the valid namespace
     *         closest to it where there is one ({@code iso_a.} for {@code iso.a.}, {@code staging.} for
     *         {@code Staging})
     */
    public Namespace {
        if (prefix == null) {
            throw new InvalidValueException("Namespace must be " + RULE + ", or empty for none, got null");
        }
        if (!prefix.isEmpty() && !ALLOWED.matcher(prefix).matches()) {
            String suggestion = suggestion(prefix);
            throw new InvalidValueException("Namespace must be " + RULE + ", got \"" + Names.abbreviate(prefix) + "\""
                    + (prefix.length() > MAX_NAME_LENGTH + 1 ? " (" + prefix.length() + " characters)" : "")
                    + (suggestion == null ? "" : "; did you mean \"" + suggestion + "\"?")
                    + " (no capitals, '-', ':' or other '.': with them two namespaces could share a queue, a Redis key"
                    + " or a table)");
        }
    }

    /**
     * The namespace with this prefix; null or empty gives {@link #NONE}.
     *
     * @throws InvalidValueException if a non-empty prefix breaks the constructor's rule
     */
    public static Namespace of(String prefix) {
        return prefix == null || prefix.isEmpty() ? NONE : new Namespace(prefix);
    }

    /**
     * The namespace written in a setting such as {@code EVENTSOURCE_NAMESPACE}: surrounding blanks are ignored, and
     * null, empty or blank gives {@link #NONE}.
     *
     * @throws InvalidValueException if the text breaks the constructor's rule
     */
    public static Namespace parse(String text) {
        return text == null || text.isBlank() ? NONE : new Namespace(text.strip());
    }

    /** The name with this namespace in front. */
    public String apply(String name) {
        return prefix + name;
    }

    /**
     * The prefix of this namespace's tables: its name, an {@code _} where its {@code .} was, then {@code es_}
     * ({@code staging.} gives {@code staging_es_}); {@link #NONE} gives {@code es_}. At most 40 characters.
     *
     * <p>Distinct namespaces have distinct table prefixes, and one table prefix is never another one plus a table
     * name, as long as no table's own name ends in {@code _} followed by another's: {@code event}, {@code ack} and
     * {@code schema_version} qualify; {@code type_es_event} beside {@code event} would not ({@code x.} +
     * {@code type_es_event} and {@code x_es_type.} + {@code event} are both {@code x_es_type_es_event}). Under that
     * condition no two namespaces share a table.
     */
    public String tablePrefix() {
        return prefix.isEmpty() ? TABLE_MARK : prefix.substring(0, prefix.length() - 1) + "_" + TABLE_MARK;
    }

    @Override
    public String toString() {
        return prefix.isEmpty() ? "(no namespace)" : prefix;
    }

    /**
     * The valid namespace a refused one most likely meant, or null: lower case, every character outside
     * {@code [a-z0-9_]} made {@code _}, one trailing {@code _} dropped, then the {@code .}. For a form the earlier,
     * looser rule accepted, that is the namespace whose tables are the ones it used ({@code iso.a.} and
     * {@code iso_a.} both had {@code iso_a_es_*}; {@code Staging} had {@code staging_es_*}).
     */
    private static String suggestion(String refused) {
        String name = refused.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (name.endsWith("_")) {
            name = name.substring(0, name.length() - 1);
        }
        String candidate = name + ".";
        return ALLOWED.matcher(candidate).matches() ? candidate : null;
    }
}
