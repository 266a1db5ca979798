package io.eventsource.ports;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one redaction of secrets in connection strings, for every settings' {@code toString}, message and log
 * line. It works on the raw text, never on {@link java.net.URI} parsing, so that a string that is not a valid URI
 * (a host with {@code _}, a non-numeric port, an unencoded {@code @} or {@code /} in the password, an empty host)
 * is redacted too.
 */
public final class Credentials {
    /** What a redacted secret reads as. */
    public static final String MASK = "****";
    /** A parameter whose name says it holds a secret: {@code password=}, {@code sslKeyStorePassword=}, {@code pwd=}, ... */
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)([?&;(,\\s]|^)([^=&;?()\\s,]*(?:password|passwd|pwd|secret|token|apikey|api-key)[^=&;?()\\s,]*=)[^&;()\\s,]*");

    private Credentials() {
    }

    /**
     * The text with every credential replaced by {@value #MASK}: the user information of an
     * {@code scheme://user:password@host} authority (up to the last {@code @} of the text, so that an unencoded
     * {@code @} or {@code /} in the password is covered; the user name is kept, a user information without a
     * colon is a password for Redis and is masked whole), and the value of every parameter whose name holds
     * {@code password}, {@code pwd}, {@code secret} or {@code token}. Null gives {@code "null"}. Never throws.
     */
    public static String redact(String text) {
        if (text == null) {
            return "null";
        }
        String redacted = redactUserInfo(text);
        Matcher parameters = SECRET_PARAMETER.matcher(redacted);
        return parameters.replaceAll(match -> Matcher.quoteReplacement(match.group(1) + match.group(2) + MASK));
    }

    /** Whether the text holds a secret that {@link #redact} would mask. */
    public static boolean holdsSecret(String text) {
        return text != null && !redact(text).equals(text);
    }

    private static String redactUserInfo(String text) {
        int scheme = text.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        int at = text.lastIndexOf('@');
        if (at < start) {
            return text;
        }
        String userInfo = text.substring(start, at);
        int colon = userInfo.indexOf(':');
        String kept = colon < 0 ? MASK : userInfo.substring(0, colon + 1) + MASK;
        return text.substring(0, start) + kept + text.substring(at);
    }
}
