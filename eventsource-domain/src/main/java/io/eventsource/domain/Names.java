package io.eventsource.domain;

import java.util.regex.Pattern;

/** The one place that checks a textual value against its form and says what is allowed. */
final class Names {
    private Names() {
    }

    static String require(String kind, String value, int maxLength, Pattern allowed, String allowedText) {
        if (value == null) {
            throw new InvalidValueException(kind + " must be " + describe(maxLength, allowedText) + ", got null");
        }
        if (value.isEmpty() || value.length() > maxLength || !allowed.matcher(value).matches()) {
            throw new InvalidValueException(kind + " must be " + describe(maxLength, allowedText) + ", got \""
                    + abbreviate(value) + "\"" + (value.length() > maxLength ? " (" + value.length() + " characters)" : ""));
        }
        return value;
    }

    private static String describe(int maxLength, String allowedText) {
        return "1-" + maxLength + " characters of " + allowedText;
    }

    static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
