package dev.dbre.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PgUrlsTest {
    @Test
    void portsAtTheEdgesOfTheRange_areAccepted_andOneBeyond_refusedNamingThePort() {
        assertThat(PgUrls.direct("db.example", 1, "postgres")).isEqualTo("jdbc:postgresql://db.example:1/postgres");
        assertThat(PgUrls.direct("db.example", 65535, "postgres"))
                .isEqualTo("jdbc:postgresql://db.example:65535/postgres");
        assertThatThrownBy(() -> PgUrls.direct("db.example", 0, "postgres"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("database port 0 is not in 1..65535");
        assertThatThrownBy(() -> PgUrls.direct("db.example", 65536, "postgres"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("database port 65536 is not in 1..65535");
    }

    @Test
    void aHostWithAQuery_isRefused_namingTheHost() {
        assertThat(PgUrls.hostProblem("db.example")).isNull();
        assertThat(PgUrls.hostProblem("db.example/x?sslmode=disable"))
                .isEqualTo("'db.example/x?sslmode=disable' is not a host name or an IP address (IPv6 in brackets)");
        assertThatThrownBy(() -> PgUrls.direct("db.example?sslmode=disable", 5432, "postgres"))
                .hasMessageStartingWith("database host 'db.example?sslmode=disable' is not a host name");
    }
}
