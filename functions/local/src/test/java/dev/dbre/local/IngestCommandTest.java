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
        // The class shares one database: count this test's own rows.
        assertThat(db.queryLong("select count(*) from metric_points where name = 'a'"))
                .isEqualTo(2);
        assertThat(db.queryLong("select count(*) from service_checks where name = 'chk'"))
                .isEqualTo(1);
        assertThat(db.queryLong("select count(*) from ingest_rejects where reason = 'BAD_VALUE'"))
                .isEqualTo(1);
        assertThat(db.queryLong("select count(*) from ingest_records where source = 'cli:dbre-ingest'"))
                .isEqualTo(1);
    }

    @Test
    void streamNamesTheKey_andTheOldSourceOptionStillWorks_saying_itIsDeprecated(TestDatabase db, @TempDir Path dir)
            throws Exception {
        Path file = Files.writeString(dir.resolve("a.txt"), "stream.option:1|c\n");

        Cli stream = Cli.run(
                "ingest", file.toString(), "--jdbc-url", db.jdbcUrl(), "--user", "postgres", "--stream", "app-1");
        Cli old = Cli.run(
                "ingest", file.toString(), "--jdbc-url", db.jdbcUrl(), "--user", "postgres", "--source", "app-1");

        assertThat(stream.exitCode()).as(stream.err()).isZero();
        assertThat(stream.err()).doesNotContain("deprecated");
        assertThat(old.exitCode()).as(old.err()).isZero();
        assertThat(old.err()).contains("--source is deprecated here; use --stream");
        assertThat(old.out()).contains("\"outcome\":\"DUPLICATE\"");
        assertThat(db.queryLong("select count(*) from ingest_records where source = 'app-1'"))
                .isEqualTo(1);
    }

    @Test
    void intoADatabaseNotMigrated_saysRunMigrate_inOneLine(@TempDir Path dir) throws Exception {
        String url = MigrateCommandTest.emptyDatabase(
                "ingest_unmigrated_" + ProcessHandle.current().pid());
        Path file = Files.writeString(dir.resolve("a.txt"), "a:1|c\n");

        Cli r = Cli.run("ingest", file.toString(), "--jdbc-url", url, "--user", "postgres");

        assertThat(r.exitCode()).isEqualTo(DbreCommand.EXIT_FAILURE);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err())
                .startsWith("dbre ingest: the database 127.0.0.1:")
                .contains("has no table ingest_batches")
                .contains("run `dbre migrate --jdbc-url " + url + "` first");
    }

    @Test
    void refusedConnection_namesHostAndPort_andSaysRetryingWillNotHelp(@TempDir Path dir) throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path file = Files.writeString(dir.resolve("a.txt"), "a:1|c\n");

        Cli r = Cli.run("ingest", file.toString(), "--jdbc-url", "jdbc:postgresql://127.0.0.1:" + port + "/x");

        assertThat(r.exitCode()).isEqualTo(DbreCommand.EXIT_FAILURE);
        assertThat(r.err())
                .isEqualTo(
                        "dbre ingest: cannot connect to 127.0.0.1:" + port + ": connection refused (no server listens"
                                + " there); running this again will not help until one does: start PostgreSQL there or fix"
                                + " --jdbc-url\n")
                .doesNotContain("transient");
    }

    @Test
    void wrongPassword_namesTheUserAndWhatToCheck(@TempDir Path dir) throws Exception {
        var server = dev.dbre.rotation.PasswordPostgres.server();
        Path file = Files.writeString(dir.resolve("a.txt"), "a:1|c\n");

        Cli r = Cli.run(
                java.util.Map.of("DBRE_DB_PASSWORD", "wrong"),
                new java.io.ByteArrayInputStream(new byte[0]),
                "ingest",
                file.toString(),
                "--jdbc-url",
                server.jdbcUrl("postgres"),
                "--user",
                dev.dbre.rotation.PasswordPostgres.ADMIN);

        assertThat(r.exitCode()).isEqualTo(DbreCommand.EXIT_FAILURE);
        assertThat(r.err())
                .startsWith("dbre ingest: 127.0.0.1:" + server.port() + " refused the login of user "
                        + dev.dbre.rotation.PasswordPostgres.ADMIN
                        + " (SQLSTATE 28P01): check --user and DBRE_DB_PASSWORD")
                .doesNotContain("wrong");
    }

    @Test
    void aLibpqUrl_isAUsageError_showingTheJdbcForm_withoutThePassword() {
        Cli r = Cli.run("ingest", "--jdbc-url", "postgres://app:hunter2@127.0.0.1:5432/dbre");

        assertThat(r.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(r.err())
                .contains("--jdbc-url")
                .contains("jdbc:postgresql://HOST:PORT/DATABASE")
                .contains("postgres://app:***@127.0.0.1:5432/dbre")
                .doesNotContain("hunter2");
    }
}
