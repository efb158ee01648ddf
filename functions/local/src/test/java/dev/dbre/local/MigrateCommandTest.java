package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.embedded.LocalPostgres;
import dev.dbre.testing.PostgresExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class MigrateCommandTest {
    /** A new, empty database (not from the migrated template) on the tests' embedded server. */
    static String emptyDatabase(String name) throws SQLException {
        LocalPostgres pg = PostgresExtension.server();
        try (Connection c = JdbcConnectionFactory.of(pg.jdbcUrl("postgres"), "postgres", null)
                        .open();
                Statement s = c.createStatement()) {
            s.execute("create database \"" + name + "\"");
        }
        return pg.jdbcUrl(name);
    }

    @Test
    void emptyDatabase_getsTheSchema_andASecondRunAppliesNothing() throws SQLException {
        String url = emptyDatabase("migrate_cli_" + ProcessHandle.current().pid());

        Cli first = Cli.run("migrate", "--jdbc-url", url, "--user", "postgres");
        Cli second = Cli.run("migrate", "--jdbc-url", url, "--user", "postgres");

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out())
                .contains("applied V1 ingest", "applied V2 snapshot runs")
                .contains("applied V3 restore runs")
                .containsPattern("applied \\d+ migration\\(s\\); schema now at V\\d+");
        assertThat(second.exitCode()).isZero();
        assertThat(second.out()).doesNotContain("applied V").contains("nothing applied");
        try (Connection c = java.sql.DriverManager.getConnection(url, "postgres", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from information_schema.tables"
                        + " where table_schema = 'public' and table_name in"
                        + " ('ingest_batches', 'ingest_records', 'metric_points', 'ingest_rejects')")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(4);
        }
    }

    @Test
    void unreachableDatabase_exitsOne_withAMessage() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }

        Cli r = Cli.run("migrate", "--jdbc-url", "jdbc:postgresql://127.0.0.1:" + port + "/x", "--user", "postgres");

        assertThat(r.exitCode()).isEqualTo(DbreCommand.EXIT_FAILURE);
        assertThat(r.err()).startsWith("dbre migrate: ").contains("127.0.0.1:" + port);
    }

    @Test
    void withoutJdbcUrl_makesTheHomesDatabase_andMigratesIt_once(@org.junit.jupiter.api.io.TempDir Path dir) {
        Path home = dir.resolve("home");

        Cli first = Cli.run("migrate", "--home", home.toString());
        Cli again = Cli.run("migrate", "--home", home.toString());

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("applied V1 ");
        assertThat(first.err())
                .contains("creating a PostgreSQL data directory under " + home.resolve("invoke/postgres"));
        assertThat(home.resolve("invoke/postgres/data/PG_VERSION")).isRegularFile();
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("nothing applied");
    }

    @Test
    void thereIsNoPasswordFlag() {
        Cli r = Cli.run("migrate", "--jdbc-url", "jdbc:postgresql://127.0.0.1/x", "--password", "secret");

        assertThat(r.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
    }

    @Test
    void aPasswordInAnotherDatabasesUrl_isNeverPrinted() {
        Cli r = Cli.run("migrate", "--jdbc-url", "jdbc:mysql://db.example:3306/app?user=u&password=hunter2");

        assertThat(r.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(r.err())
                .contains("is not a PostgreSQL JDBC URL")
                .contains("password=***")
                .doesNotContain("hunter2");
        assertThat(r.out()).doesNotContain("hunter2");
    }
}
