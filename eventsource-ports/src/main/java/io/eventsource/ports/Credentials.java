package io.eventsource.ports;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one redaction of secrets in connection strings, for every settings' {@code toString}, message and log
 * line. It works on the raw text, never on {@link java.net.URI} parsing, so that a string that is not a valid URI
 * (a host with {@code _}, a non-numeric port, an unencoded {@code @} or {@code /} in the password, an empty host)
 * is redacted too.
 *
 * <p>Where the text is ambiguous it masks too much rather than too little: an {@code @} anywhere after the
 * scheme ends a user information, and a secret that both rules see is masked over the extent of both. Apply it
 * to a connection string, not to free text: in a sentence such as {@code user 'app'@'host'} the words before the
 * {@code @} would be masked.
 */
public final class Credentials {
    /** What a redacted secret reads as. */
    public static final String MASK = "****";
    /**
     * A parameter whose name says it holds a secret ({@code password=}, {@code sslKeyStorePassword=},
     * {@code pwd=}, {@code pass=}, {@code X-Api-Key=}, ...), at the start of the text or after a separator of the
     * query ({@code ? & ;}), host-property ({@code ( ,}) or whitespace-separated forms.
     */
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i)(?<separator>^|[?&;\\s(,])"
                    + "(?:[^=&;?#()\\s,]*(?:password|passwd|passphrase|pwd|secret|token|api[-_]?key|credential)"
                    + "[^=&;?#()\\s,]*|pass)[ \t]*=[ \t]*");
    /** Inside parentheses (MySQL's {@code (password=p)} and {@code (host=h,password=p)}) a value ends at , or ). */
    private static final String ENDS_IN_PARENTHESES = ",)";
    /** Anywhere else it runs to the next &amp;, ;, # or whitespace, so that a , ) or @ in a query password is masked too. */
    private static final String ENDS_ELSEWHERE = "&;# \t\r\n";

    private Credentials() {
    }

    /**
     * The text with every credential replaced by {@value #MASK}:
     * <ul>
     *   <li>the password of a {@code scheme://user:password@host} authority, where the user information runs up to
     *       the last {@code @} of the text, so that an unencoded {@code @}, {@code /} or {@code :} in the password is
     *       covered; the user name (up to the first {@code :}) is kept; a user information without a colon may be
     *       a password alone (Redis's {@code redis://secret@host}) and is masked whole; an empty password is left;</li>
     *   <li>the value of every parameter whose name holds {@code password}, {@code passwd}, {@code passphrase},
     *       {@code pwd}, {@code secret}, {@code token}, {@code apikey} or {@code credential}, or is {@code pass},
     *       in any case: in a query ({@code ?password=p&...}, up to the next {@code &}, {@code ;}, {@code #} or
     *       whitespace), in MySQL's host properties ({@code (password=p)}, {@code (host=h,password=p)}, up to the
     *       next {@code ,} or {@code )}), or after {@code ;} or whitespace.</li>
     * </ul>
     * A text without a scheme ({@code user:password@host}) is redacted as if it had one, unless its password holds
     * {@code ://}, which reads as the end of a scheme. Each run of masked
     * characters becomes one {@value #MASK}. Null gives {@code "null"}. Never throws.
     */
    public static String redact(String text) {
        if (text == null) {
            return "null";
        }
        boolean[] secret = new boolean[text.length()];
        boolean found = markUserInfo(text, secret) | markParameters(text, secret);
        if (!found) {
            return text;
        }
        StringBuilder redacted = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            if (!secret[i]) {
                redacted.append(text.charAt(i));
            } else if (i == 0 || !secret[i - 1]) {
                redacted.append(MASK);
            }
        }
        return redacted.toString();
    }

    /** Whether the text holds a secret that {@link #redact} would mask. */
    public static boolean holdsSecret(String text) {
        return text != null && !redact(text).equals(text);
    }

    private static boolean markUserInfo(String text, boolean[] secret) {
        int scheme = text.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        int at = text.lastIndexOf('@');
        if (at <= start) {
            return false;
        }
        int colon = text.indexOf(':', start);
        int from = colon < 0 || colon > at ? start : colon + 1;
        return mark(secret, from, at);
    }

    private static boolean markParameters(String text, boolean[] secret) {
        boolean found = false;
        Matcher name = SECRET_NAME.matcher(text);
        int from = 0;
        while (from < text.length() && name.find(from)) {
            String separator = name.group("separator");
            String ends = separator.equals("(") || separator.equals(",") ? ENDS_IN_PARENTHESES : ENDS_ELSEWHERE;
            int valueStart = name.end();
            int valueEnd = valueStart;
            while (valueEnd < text.length() && ends.indexOf(text.charAt(valueEnd)) < 0) {
                valueEnd++;
            }
            found |= mark(secret, valueStart, valueEnd);
            // the character that ended the value may start the next parameter
            from = Math.max(valueEnd, name.end());
        }
        return found;
    }

    private static boolean mark(boolean[] secret, int from, int to) {
        for (int i = from; i < to; i++) {
            secret[i] = true;
        }
        return to > from;
    }
}
