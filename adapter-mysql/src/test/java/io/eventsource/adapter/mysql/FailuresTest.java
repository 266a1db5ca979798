package io.eventsource.adapter.mysql;

import io.eventsource.ports.PortException;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

class FailuresTest {
    @Test
    void whatARetryMayCureIsTransient() {
        assertThat(translate(new SQLException("Deadlock found", "40001", 1213)).isTransient()).isTrue();
        assertThat(translate(new SQLException("Lock wait timeout exceeded", "HY000", 1205)).isTransient()).isTrue();
        assertThat(translate(new SQLException("Connection was killed", "70100", 1927)).isTransient()).isTrue();
        assertThat(translate(new SQLException("Communications link failure", "08S01", 0)).isTransient()).isTrue();
        assertThat(translate(new SQLTransientConnectionException("pool - Connection is not available")).isTransient()).isTrue();
        assertThat(translate(new RuntimeException("wrapped", new SQLException("Too many connections", "08004", 1040)))
                .isTransient()).isTrue();
    }

    @Test
    void whatARetryCannotCureIsPermanentAndSaysWhatHappened() {
        PortException denied = translate(new SQLException("Access denied for user 'x'", "28000", 1045));
        assertThat(denied.isTransient()).isFalse();
        assertThat(denied).hasMessageContaining("Access denied").hasMessageContaining("error 1045").hasMessageContaining("28000");
        assertThat(translate(new SQLException("Table 'test.es_ack' doesn't exist", "42S02", 1146)).isTransient()).isFalse();
        assertThat(translate(new SQLException("Data too long for column", "22001", 1406)).isTransient()).isFalse();
        assertThat(translate(new IllegalStateException("no SQL in sight")).isTransient()).isFalse();
    }

    @Test
    void tlsThatCannotBeEstablishedIsPermanentAndSaysTlsWhateverStateTheDriverGivesIt() {
        // what mysql-connector-j throws for sslMode=REQUIRED against a server without TLS
        PortException noTls = translate(new SQLNonTransientConnectionException(
                "SSL Connection required, but not provided by server.", "08001", 0,
                new RuntimeException("SSL Connection required, but not provided by server.")));
        // a certificate that is not trusted or does not name the host: a handshake failure under a link failure
        SSLHandshakeException handshake = new SSLHandshakeException("PKIX path building failed");
        handshake.initCause(new CertificateException("No name matching db.internal found"));
        PortException untrusted = translate(new SQLException("Communications link failure", "08S01", 0, handshake));
        // MySQL's --require_secure_transport against a client with TLS disabled
        PortException insecure = translate(new SQLException(
                "Connections using insecure transport are prohibited while --require_secure_transport=ON.", "HY000", 3159));

        for (PortException failure : new PortException[]{noTls, untrusted, insecure}) {
            assertThat(failure.isTransient()).as(failure.getMessage()).isFalse();
            assertThat(failure).hasMessageContaining("TLS could not be established").hasMessageContaining("EVENTSOURCE_JDBC_TLS");
        }
        assertThat(untrusted).hasMessageContaining("No name matching db.internal found");
        assertThat(noTls.getMessage()).containsOnlyOnce("SSL Connection required");
    }

    @Test
    void aLinkFailureWithoutTlsInItStaysTransient() {
        PortException lost = translate(new SQLException("Communications link failure", "08S01", 0,
                new java.net.SocketException("Connection reset")));
        assertThat(lost.isTransient()).isTrue();
        assertThat(lost).hasMessageNotContaining("TLS");
    }

    @Test
    void recognisesADuplicateOnANamedKeyInBothServersWording() {
        SQLException mariaDb = new SQLException("Duplicate entry 'a' for key 'uk_event_id'", "23000", 1062);
        SQLException mySql = new SQLException("Duplicate entry 'a' for key 'es_event.uk_event_id'", "23000", 1062);
        assertThat(Failures.isDuplicateKey(new RuntimeException(mariaDb), "uk_event_id")).isTrue();
        assertThat(Failures.isDuplicateKey(mySql, "uk_event_id")).isTrue();
        assertThat(Failures.isDuplicateKey(mySql, "uk_event_aggregate_sequence")).isFalse();
    }

    private static PortException translate(Exception failure) {
        return Failures.translate("test", failure);
    }
}
