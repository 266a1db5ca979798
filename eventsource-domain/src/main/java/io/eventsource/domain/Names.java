package io.eventsource.domain;

/** The one place that checks a textual value against its form and says what is allowed. */
final class Names {
    static final String LETTERS = range('A', 'Z') + range('a', 'z');
    static final String DIGITS = range('0', '9');

    private Names() {
    }

    static String require(String kind, String value, int maxLength, Alphabet allowed, String allowedText) {
        if (value == null) {
            throw new InvalidValueException(kind + " must be " + describe(maxLength, allowedText) + ", got null");
        }
        if (value.isEmpty() || value.length() > maxLength || !allowed.admits(value)) {
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

    /** The characters from {@code first} to {@code last}, both included. */
    static String range(char first, char last) {
        StringBuilder chars = new StringBuilder(last - first + 1);
        for (char c = first; c <= last; c++) {
            chars.append(c);
        }
        return chars.toString();
    }

    /**
     * The ASCII characters a name may hold, first and after, as a table: names are checked for every event that is
     * decoded or read, where a regular expression costs several times a lookup per character.
     */
    static final class Alphabet {
        private final boolean[] first = new boolean[128];
        private final boolean[] rest = new boolean[128];

        private Alphabet(String firstChars, String chars) {
            firstChars.chars().forEach(c -> first[c] = true);
            chars.chars().forEach(c -> rest[c] = true);
        }

        /** Names of {@code chars} only. */
        static Alphabet of(String chars) {
            return new Alphabet(chars, chars);
        }

        /** Names that start with one of {@code firstChars} and go on with {@code chars}. */
        static Alphabet startingWith(String firstChars, String chars) {
            return new Alphabet(firstChars, chars);
        }

        /** Whether every character of the non-empty {@code value} is allowed where it stands. */
        boolean admits(String value) {
            char c = value.charAt(0);
            if (c >= first.length || !first[c]) {
                return false;
            }
            for (int i = 1; i < value.length(); i++) {
                c = value.charAt(i);
                if (c >= rest.length || !rest[c]) {
                    return false;
                }
            }
            return true;
        }
    }
}
