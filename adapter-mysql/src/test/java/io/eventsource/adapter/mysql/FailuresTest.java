package io.eventsource.adapter.mysql;

import io.eventsource.ports.PortException;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
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
