package io.eventsource.ports;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/** Whatever the password, no shape of connection string lets it through. */
class CredentialsProperties {
    /** Never in the rest of the text, so that finding it means it leaked. */
    private static final String PASSWORD_CHARACTERS = "QXZ@/:%?=,()!$'*+[]";

    @Provide
    Arbitrary<String> passwords() {
        return Arbitraries.strings().withChars(PASSWORD_CHARACTERS).ofMinLength(1).ofMaxLength(24)
                .filter(password -> password.indexOf('Q') >= 0 || password.indexOf('X') >= 0 || password.indexOf('Z') >= 0);
    }

    @Property
    void aUserInformationNeverShowsItsPassword(@ForAll("passwords") String password, @ForAll("hosts") String host) {
        for (String text : new String[]{"redis://app:" + password + "@" + host + "/0",
                "amqp://app:" + password + "@" + host + "/%2F", "jdbc:mysql://app:" + password + "@" + host + "/db?x=1",
                "rediss://:" + password + "@" + host}) {
            assertThat(Credentials.redact(text)).as(text).doesNotContain(password);
        }
        // without a scheme, a password that makes :// with the user's colon gives the text one ("app:Q://@host" is
        // scheme "app:Q", no user; "app://Q:@host" is scheme "app", user "Q", no password)
        String text = "app:" + password + "@" + host;
        if (!("app:" + password).contains("://")) {
            assertThat(Credentials.redact(text)).as(text).doesNotContain(password);
        }
    }

    @Property
    void aPasswordParameterNeverShowsItsValue(@ForAll("passwords") String password, @ForAll("hosts") String host) {
        String query = password.replaceAll("[&;#\\s]", "");
        String inParentheses = password.replaceAll("[,)]", "");
        assertThat(Credentials.redact("jdbc:mysql://" + host + "/db?user=app&password=" + query + "&x=1"))
                .doesNotContain(query);
        if (!inParentheses.isEmpty()) {
            assertThat(Credentials.redact("jdbc:mysql://address=(host=" + host + ")(password=" + inParentheses + ")/db"))
                    .doesNotContain(inParentheses);
        }
    }

    @Property
    void redactingTwiceChangesNothing(@ForAll("passwords") String password, @ForAll("hosts") String host) {
        String once = Credentials.redact("redis://app:" + password + "@" + host + "/0?password=" + password);
        assertThat(Credentials.redact(once)).isEqualTo(once);
    }

    @Provide
    Arbitrary<String> hosts() {
        return Arbitraries.of("cache", "cache_1", "127.0.0.1:6379", "h:63a9", "", ":6379", "[::1]:6379");
    }
}
