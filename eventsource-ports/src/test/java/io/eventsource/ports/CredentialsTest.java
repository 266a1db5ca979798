package io.eventsource.ports;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CredentialsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            amqp://guest:guest@127.0.0.1:5672                  | amqp://guest:****@127.0.0.1:5672
            redis://app:s3cret@cache:6379/2                    | redis://app:****@cache:6379/2
            rediss://:s3cret@cache:6379                        | rediss://:****@cache:6379
            redis://s3cret@cache:6379                          | redis://****@cache:6379
            jdbc:mysql://app:s3cret@db:3306/prod               | jdbc:mysql://app:****@db:3306/prod
            redis://app:p@ss@cache:6379                        | redis://app:****@cache:6379
            redis://app:p/ss@cache:6379/0                      | redis://app:****@cache:6379/0
            redis://app:p:ss@cache:6379                        | redis://app:****@cache:6379
            redis://app:p%40ss%2F%3A%25@cache:6379             | redis://app:****@cache:6379
            redis://app:p%ss@cache:6379                        | redis://app:****@cache:6379
            amqp://app:p@ss/w:rd%@rabbit_1:5672/vhost          | amqp://app:****@rabbit_1:5672/vhost
            redis://app:s3cret@cache:63a9                      | redis://app:****@cache:63a9
            redis://app:s3cret@:6379                           | redis://app:****@:6379
            redis://app:s3cret@/0                              | redis://app:****@/0
            jdbc:mysql://app:s3cret@/db                        | jdbc:mysql://app:****@/db
            app:s3cret@cache:6379                              | app:****@cache:6379
            jdbc:mysql://app:a@b@h1:3306,app:c@h2:3306/db      | jdbc:mysql://app:****@h2:3306/db
            """)
    void masksThePasswordOfAUserInformationKeepingTheUser(String text, String redacted) {
        assertThat(Credentials.redact(text)).isEqualTo(redacted);
        assertThat(Credentials.holdsSecret(text)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            jdbc:mysql://db/prod?password=s3cret                                  | jdbc:mysql://db/prod?password=****
            jdbc:mysql://db/prod?user=app&password=s3cret&useUnicode=true         | jdbc:mysql://db/prod?user=app&password=****&useUnicode=true
            jdbc:mysql://db/prod?PASSWORD=s3cret                                  | jdbc:mysql://db/prod?PASSWORD=****
            jdbc:mysql://db/prod?password1=a&password2=b                          | jdbc:mysql://db/prod?password1=****&password2=****
            jdbc:mysql://db/prod?trustCertificateKeyStorePassword=s3cret&x=1      | jdbc:mysql://db/prod?trustCertificateKeyStorePassword=****&x=1
            jdbc:mysql://db/prod?password=a,b)c/d:e%f&x=1                         | jdbc:mysql://db/prod?password=****&x=1
            jdbc:mysql://address=(host=db)(port=3306)(password=s3cret)(user=app)/prod | jdbc:mysql://address=(host=db)(port=3306)(password=****)(user=app)/prod
            jdbc:mysql://(host=db,port=3306,password=s3cret,user=app)/prod          | jdbc:mysql://(host=db,port=3306,password=****,user=app)/prod
            jdbc:sqlserver://db;user=app;password=s3cret;databaseName=prod        | jdbc:sqlserver://db;user=app;password=****;databaseName=prod
            amqp://rabbit?pass=s3cret                                             | amqp://rabbit?pass=****
            x?pwd=a&passwd=b&passphrase=c&secret=d&token=e&apiKey=f&api_key=g&api-key=h&credentials=i | x?pwd=****&passwd=****&passphrase=****&secret=****&token=****&apiKey=****&api_key=****&api-key=****&credentials=****
            password=s3cret                                                       | password=****
            'connect with Password = s3cret now'                                  | 'connect with Password = **** now'
            """)
    void masksTheValueOfEveryParameterNamedAsASecret(String text, String redacted) {
        assertThat(Credentials.redact(text)).isEqualTo(redacted);
        assertThat(Credentials.holdsSecret(text)).isTrue();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "redis://127.0.0.1:6379", "redis://cache_1:63a9/0", "redis://:6379", "amqp://rabbit/%2F",
            "jdbc:mysql://127.0.0.1:3306/test?useSSL=false&allowPublicKeyRetrieval=true", "jdbc:mysql:///test",
            "jdbc:mysql://db/prod?password=&x=1", "redis://@cache", "redis://app:@cache",
            "x?bypass=1&passthrough=2&compass=3&tokens", "redis://app:****@cache:6379", ""})
    void leavesTextWithoutASecretAlone(String text) {
        assertThat(Credentials.redact(text)).isEqualTo(text);
        assertThat(Credentials.holdsSecret(text)).isFalse();
    }

    @Test
    void masksTooMuchRatherThanTooLittleWhereTheTextIsAmbiguous() {
        // an @ in a query password also reads as the end of a user information: both are masked, as one
        assertThat(Credentials.redact("jdbc:mysql://db:3306/prod?password=a@b&x=1"))
                .isEqualTo("jdbc:mysql://db:****&x=1");
        assertThat(Credentials.redact("jdbc:mysql://address=(host=db)(password=p@ss/w:rd%)(user=app)/prod"))
                .doesNotContain("p@ss").doesNotContain("ss/w").doesNotContain("w:rd");
    }

    @Test
    void nullReadsAsNullAndHoldsNoSecret() {
        assertThat(Credentials.redact(null)).isEqualTo("null");
        assertThat(Credentials.holdsSecret(null)).isFalse();
    }
}
