package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(PostgresExtension.class)
class IngestCommandTest {
    @Test
    void theSameFileTwice_isStoredOnce(TestDatabase db, @TempDir Path dir) throws IOException, SQLException {
        Path file = dir.resolve("lines.txt");
        Files.writeString(file, "a:1:2|d|#env:prod\n_sc|chk|1\nbroken\n", StandardCharsets.UTF_8);

        Cli first = Cli.run("ingest", file.toString(), "--jdbc-url", db.jdbcUrl(), "--user", "postgres");
        Cli again = Cli.run("ingest", file.toString(), "--jdbc-url", db.jdbcUrl(), "--user", "postgres");

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("\"outcome\":\"STORED_WITH_REJECTS\"").contains("\"rejected\":1");
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("\"outcome\":\"DUPLICATE\"");
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(2);
        assertThat(db.queryLong("select count(*) from service_checks")).isEqualTo(1);
        assertThat(db.queryLong("select count(*) from ingest_rejects where reason = 'BAD_VALUE'"))
                .isEqualTo(1);
        assertThat(db.queryLong("select count(*) from ingest_records where source = 'cli:dbre-ingest'"))
                .isEqualTo(1);
    }
}
