package dev.dbre.aws.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MigrationHandlerTest {

    private static Env envFor(TestDatabase db) {
        return new Env(Map.of(
                "DBRE_DB_HOST", "127.0.0.1",
                "DBRE_DB_PORT", String.valueOf(db.server().port()),
                "DBRE_DB_NAME", db.name(),
                "DBRE_DB_USER", "postgres",
                "DBRE_DB_AUTH", "none",
                "DBRE_DB_SSLMODE", "disable"));
    }

    @Test
    void emptyDatabase_getsTheSchema_andASecondRunAppliesNothing() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();
        db.execute("drop schema public cascade; create schema public");
        MigrationHandler handler = new MigrationHandler(envFor(db));

        Map<String, Object> first = handler.handleRequest(Map.of(), null);
        assertThat((Integer) first.get("applied")).isPositive();
        assertThat(db.queryLong("select count(*) from information_schema.tables where table_name = 'ingest_records'"))
                .isEqualTo(1);

        assertThat(handler.handleRequest(Map.of(), null)).containsEntry("applied", 0);
    }

    @Test
    void missingHost_failsAtColdStartNamingTheVariable() {
        // The configuration is read once, when Lambda builds the handler (init), not per invocation.
        assertThatThrownBy(() -> new MigrationHandler(new Env(Map.of("DBRE_DB_USER", "x", "DBRE_DB_AUTH", "none"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DBRE_DB_HOST");
    }
}
