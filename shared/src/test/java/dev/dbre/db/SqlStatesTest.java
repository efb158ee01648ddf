package dev.dbre.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.net.SocketException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

class SqlStatesTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "08000", "08001", "08003", "08004", "08006", "40001", "40P01", "57P01", "57P02", "57P03", "53000",
                "53100", "53200", "53300", "53400", "55P03", "57014"
            })
    void transientStates(String state) {
        assertThat(SqlStates.isTransient(state)).isTrue();
        assertThat(SqlStates.isTransient(new SQLException("x", state))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"23505", "23502", "22021", "22008", "42P01", "42601", "XX000", "55000", "40002", "0800"})
    void permanentStates(String state) {
        assertThat(SqlStates.isTransient(state)).isFalse();
        assertThat(SqlStates.isTransient(new SQLException("x", state))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"22001", "22021", "22P05", "23502", "23505", "23514", "54000"})
    void dataFaults_mayComeFromOneRow(String state) {
        assertThat(SqlStates.isDataFault(state)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"42P01", "42501", "0A000", "25P02", "XX000", "08006", "55P03"})
    void otherFaults_areNotARowsFault(String state) {
        assertThat(SqlStates.isDataFault(state)).isFalse();
    }

    @Test
    void nullOrMissingState_isPermanent() {
        assertThat(SqlStates.isTransient((String) null)).isFalse();
        assertThat(SqlStates.isTransient(new SQLException("no state"))).isFalse();
        assertThat(SqlStates.isTransient(new IllegalStateException("bug"))).isFalse();
    }

    @Test
    void connectionLost_asPgJdbcReportsIt_isTransient() {
        PSQLException lost = new PSQLException(
                "An I/O error occurred while sending to the backend.",
                PSQLState.CONNECTION_FAILURE,
                new SocketException("Connection reset"));
        assertThat(SqlStates.isTransient(lost)).isTrue();
        assertThat(SqlStates.sqlState(lost)).isEqualTo("08006");
    }

    @Test
    void ioErrorAnywhereInTheCauseChain_isTransient() {
        SQLException wrapped = new SQLException("copy failed", "XX000", new EOFException("stream closed"));
        assertThat(SqlStates.isTransient(wrapped)).isTrue();
        assertThat(SqlStates.isTransient(new RuntimeException(new SocketException("reset"))))
                .isTrue();
        assertThat(SqlStates.isTransient(new SQLTransientConnectionException("pool timeout")))
                .isTrue();
    }

    @Test
    void sqlState_isFoundThroughWrappers() {
        RuntimeException wrapped = new RuntimeException(new SQLException("deadlock", "40P01"));
        assertThat(SqlStates.sqlState(wrapped)).isEqualTo("40P01");
        assertThat(SqlStates.isTransient(wrapped)).isTrue();
        assertThat(SqlStates.sqlState(new RuntimeException("none"))).isNull();
    }
}
