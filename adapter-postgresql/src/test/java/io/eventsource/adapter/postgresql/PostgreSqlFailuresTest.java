package io.eventsource.adapter.postgresql;

import io.eventsource.ports.PortException;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

class PostgreSqlFailuresTest {
    @Test
    void whatARetryMayCureIsTransient() {
        assertThat(translate(new SQLException("deadlock detected", "40P01")).isTransient()).isTrue();
        assertThat(translate(new SQLException("could not serialize access", "40001")).isTransient()).isTrue();
        assertThat(translate(new SQLException("canceling statement due to lock timeout", "55P03")).isTransient()).isTrue();
        assertThat(translate(new SQLException("terminating connection due to administrator command", "57P01"))
                .isTransient()).isTrue();
        assertThat(translate(new SQLException("the database system is starting up", "57P03")).isTransient()).isTrue();
        assertThat(translate(new SQLException("An I/O error occurred while sending to the backend.", "08006"))
                .isTransient()).isTrue();
        assertThat(translate(new SQLException("Connection to 127.0.0.1:1 refused.", "08001")).isTransient()).isTrue();
        assertThat(translate(new SQLTransientConnectionException("pool - Connection is not available")).isTransient()).isTrue();
        assertThat(translate(new RuntimeException("wrapped", new SQLException("sorry, too many clients already", "53300")))
                .isTransient()).isTrue();
    }

    @Test
    void whatARetryCannotCureIsPermanentAndSaysWhatHappened() {
        PortException denied = translate(new SQLException("FATAL: password authentication failed for user \"x\"", "28P01"));
        assertThat(denied.isTransient()).isFalse();
        assertThat(denied).hasMessageContaining("password authentication failed").hasMessageContaining("28P01");
        assertThat(translate(new SQLException("relation \"es_ack\" does not exist", "42P01")).isTransient()).isFalse();
        assertThat(translate(new SQLException("value too long for type character varying(64)", "22001")).isTransient())
                .isFalse();
        assertThat(translate(new SQLException("duplicate key value violates unique constraint", "23505")).isTransient())
                .isFalse();
        assertThat(translate(new IllegalStateException("no SQL in sight")).isTransient()).isFalse();
    }

    @Test
    void tlsThatCannotBeEstablishedIsPermanentAndSaysTlsWhateverStateTheDriverGivesIt() {
        // what the driver throws for sslmode=require against a server without TLS: a connection state, 08004
        PortException noTls = translate(new SQLException("The server does not support SSL.", "08004"));
        // a certificate that is not trusted or does not name the host
        SSLHandshakeException handshake = new SSLHandshakeException("PKIX path building failed");
        handshake.initCause(new CertificateException("No name matching db.internal found"));
        PortException untrusted = translate(new SQLException("SSL error: PKIX path building failed", "08006", handshake));
        // a server whose pg_hba.conf takes only hostssl, to a client with TLS disabled
        PortException refused = translate(new SQLException(
                "FATAL: no pg_hba.conf entry for host \"10.0.0.5\", user \"app\", database \"prod\", no encryption",
                "28000"));

        for (PortException failure : new PortException[]{noTls, untrusted, refused}) {
            assertThat(failure.isTransient()).as(failure.getMessage()).isFalse();
            assertThat(failure).hasMessageContaining("TLS could not be established").hasMessageContaining("EVENTSOURCE_JDBC_TLS");
        }
        assertThat(untrusted).hasMessageContaining("No name matching db.internal found");
    }

    @Test
    void aLinkFailureWithoutTlsInItStaysTransient() {
        PortException lost = translate(new SQLException("An I/O error occurred while sending to the backend.", "08006",
                new java.net.SocketException("Connection reset")));
        assertThat(lost.isTransient()).isTrue();
        assertThat(lost).hasMessageNotContaining("TLS");
    }

    @Test
    void recognisesAUniqueViolationOfANamedConstraint() {
        SQLException duplicate = new SQLException("ERROR: duplicate key value violates unique constraint"
                + " \"staging_es_event_id_key\"\n  Detail: Key (event_id)=(a) already exists.", "23505");
        assertThat(PostgreSqlFailures.isDuplicateKey(new RuntimeException(duplicate), "event_id_key")).isTrue();
        assertThat(PostgreSqlFailures.isDuplicateKey(duplicate, "event_sequence_key")).isFalse();
        assertThat(PostgreSqlFailures.isDuplicateKey(new SQLException("staging_es_event_id_key\"", "23503"),
                "event_id_key")).as("another state").isFalse();
    }

    private static PortException translate(Exception failure) {
        return PostgreSqlFailures.translate("test", failure);
    }
}
