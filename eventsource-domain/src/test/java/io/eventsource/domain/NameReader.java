package io.eventsource.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Reads a name back: every namespace under which {@link Topology} (or a table prefix) could have made it, with any
 * valid aggregate type, aggregate id, service, partition and lease. Exhaustive (every split of the name is tried), so
 * a name read back under one namespace only cannot be made under any other, whatever the other parts are.
 *
 * <p>Which namespaces count as valid is a parameter, so that the reader can be shown to find the collisions of a
 * looser rule (the earlier {@code [A-Za-z0-9_.:-]}).
 */
final class NameReader {
    /** The namespace rule in force. */
    static final Predicate<String> CURRENT_RULE = NameReader::isNamespace;
    /** The table prefix of a namespace now. */
    static final Function<String, String> CURRENT_TABLES = prefix -> Namespace.of(prefix).tablePrefix();
    /** The rule before namespaces were narrowed. */
    static final Predicate<String> EARLIER_RULE = prefix -> prefix.matches("[A-Za-z0-9_.:-]{1,64}");
    /** The table prefix of a namespace before the rule was narrowed (what {@code MySqlSettings.withNamespace} made). */
    static final Function<String, String> EARLIER_TABLES = prefix -> {
        String tables = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return (tables.isEmpty() || tables.endsWith("_") ? tables : tables + "_") + "es_";
    };

    private static final String ANNOUNCEMENT = "AggregateIds";
    private static final String HEALTH_CHECKS = "ServicesHealthChecks";
    private static final String SERVICES = "eventsourceServices";
    private static final String TOPOLOGIES = "eventsourceTopologies";
    private static final String PARTITIONS = "Partitions";
    private static final String INSTANCES = "Instances-";
    private static final String LEASE = "eventsourceLease-";

    private NameReader() {
    }

    /**
     * The namespace prefixes ({@code ""} for none) under which some broker name or registry key of {@link Topology}
     * is {@code name}.
     */
    static Set<String> namespacesOf(String name, Predicate<String> validNamespace) {
        Set<String> namespaces = new TreeSet<>();
        for (int split = 0; split <= name.length(); split++) {
            String prefix = name.substring(0, split);
            if ((split == 0 || validNamespace.test(prefix)) && isTopologyName(name.substring(split))) {
                namespaces.add(prefix);
            }
        }
        return namespaces;
    }

    /**
     * The namespace prefixes ({@code ""} for none) whose table prefix, as {@code tablePrefixOf} makes it, followed by
     * one of {@code tables} is {@code name}. The candidates are every prefix that a mapping which lower-cases and turns
     * '.', '-' or ':' into '_' and appends a mark of up to 6 characters could have come from: the table prefix's
     * beginnings of that length or longer, each of its first five '_' as '_' or '.' (or all as '-' or ':'), with or without a
     * closing '.', lower or upper case. So a mapping that folds two namespaces together is caught as long as it folds
     * them that way, as the earlier one did ({@code iso.a.}, {@code iso_a.} and {@code ISO_A.} had one table prefix).
     */
    static Set<String> namespacesOfTable(String name, Collection<String> tables, Predicate<String> validNamespace,
                                         Function<String, String> tablePrefixOf) {
        Set<String> namespaces = new TreeSet<>();
        for (int split = 0; split <= name.length(); split++) {
            String table = name.substring(split);
            if (!tables.contains(table)) {
                continue;
            }
            if (tablePrefixOf.apply("").equals(name.substring(0, split))) {
                namespaces.add("");
            }
            for (String candidate : unfolded(name.substring(0, split))) {
                if (!candidate.isEmpty() && validNamespace.test(candidate)
                        && (tablePrefixOf.apply(candidate) + table).equals(name)) {
                    namespaces.add(candidate);
                }
            }
        }
        return namespaces;
    }

    /** Every prefix a folding mapping could have made {@code folded} from; see above. */
    private static Set<String> unfolded(String folded) {
        Set<String> bodies = new LinkedHashSet<>();
        for (int end = Math.max(1, folded.length() - 6); end <= folded.length(); end++) {
            String body = folded.substring(0, end);
            List<Integer> underscores = new ArrayList<>();
            for (int i = 0; i < body.length(); i++) {
                if (body.charAt(i) == '_') {
                    underscores.add(i);
                }
            }
            int choices = Math.min(underscores.size(), 5);
            for (int mask = 0; mask < 1 << choices; mask++) {
                char[] chars = body.toCharArray();
                for (int bit = 0; bit < choices; bit++) {
                    if ((mask & 1 << bit) != 0) {
                        chars[underscores.get(bit)] = '.';
                    }
                }
                bodies.add(new String(chars));
            }
            bodies.add(body.replace('_', '-'));
            bodies.add(body.replace('_', ':'));
        }
        Set<String> candidates = new LinkedHashSet<>();
        for (String body : bodies) {
            for (String candidate : List.of(body, body + ".")) {
                candidates.add(candidate);
                candidates.add(candidate.toUpperCase(Locale.ROOT));
            }
        }
        return candidates;
    }

    /** Whether {@code rest} is a name {@link Topology} makes under no namespace, for some valid parts. */
    private static boolean isTopologyName(String rest) {
        if (rest.equals(SERVICES) || rest.equals(TOPOLOGIES) || rest.startsWith(LEASE)) {
            return true;
        }
        if (rest.endsWith(PARTITIONS) && isType(rest.substring(0, rest.length() - PARTITIONS.length()))) {
            return true;
        }
        for (int at = rest.indexOf(INSTANCES); at >= 0; at = rest.indexOf(INSTANCES, at + 1)) {
            if (isType(rest.substring(0, at)) && isService(rest.substring(at + INSTANCES.length()))) {
                return true;
            }
        }
        if (rest.endsWith(HEALTH_CHECKS) && isType(rest.substring(0, rest.length() - HEALTH_CHECKS.length()))) {
            return true;
        }
        if (rest.endsWith(ANNOUNCEMENT) && isType(rest.substring(0, rest.length() - ANNOUNCEMENT.length()))) {
            return true;
        }
        String announcementQueue = ANNOUNCEMENT + "-";
        for (int at = rest.indexOf(announcementQueue); at >= 0; at = rest.indexOf(announcementQueue, at + 1)) {
            if (isType(rest.substring(0, at)) && isService(rest.substring(at + announcementQueue.length()))) {
                return true;
            }
        }
        // aggregate exchange {type}-{id} and aggregate queue {type}-{id}-{service}; a partition queue
        // {type}-p{k}-{service} is an aggregate queue's name with id p{k}
        for (int dash = rest.indexOf('-'); dash >= 0; dash = rest.indexOf('-', dash + 1)) {
            if (!isType(rest.substring(0, dash))) {
                continue;
            }
            String tail = rest.substring(dash + 1);
            if (isId(tail)) {
                return true;
            }
            for (int second = tail.indexOf('-'); second >= 0; second = tail.indexOf('-', second + 1)) {
                if (isId(tail.substring(0, second)) && isService(tail.substring(second + 1))) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean isNamespace(String prefix) {
        return valid(() -> new Namespace(prefix));
    }

    private static boolean isType(String value) {
        return valid(() -> new AggregateType(value));
    }

    private static boolean isId(String value) {
        return valid(() -> new AggregateId(value));
    }

    private static boolean isService(String value) {
        return valid(() -> new ServiceName(value));
    }

    private static boolean valid(Runnable make) {
        try {
            make.run();
            return true;
        } catch (InvalidValueException e) {
            return false;
        }
    }
}
