package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.embedded.LocalPostgres;
import dev.dbre.schema.SchemaMigrator;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code invoke --jdbc-url --user --password-file} against a server that wants a password over TCP
 * (scram-sha-256): the function, which takes no password setting, logs in through the pgpass file
 * invoke hands it, and the file is gone after the call.
 */
class InvokePasswordTest {
    @Test
    void aPasswordFile_letsTheFunctionLogIn_andIsDeletedAfter() throws Exception {
        Path base =
                Files.createDirectories(Path.of("target", "invoke-password")).toAbsolutePath();
        KeptPostgres.deleteTree(base.resolve("pg"));
        try (LocalPostgres pg = LocalPostgres.start(base.resolve("pg"), 0, Map.of())) {
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), "postgres", "");
                    Statement s = c.createStatement()) {
                s.execute("create role app login password 's3cret:pass'");
                s.execute("create database app owner app");
                // postgres keeps trust (this test's set-up); every other user needs its password.
                Files.writeString(
                        pg.dataDir().resolve("pg_hba.conf"),
                        "local all all trust\nhost all postgres 127.0.0.1/32 trust\n"
                                + "host all all 127.0.0.1/32 scram-sha-256\n",
                        StandardCharsets.UTF_8);
                s.execute("select pg_reload_conf()");
            }
            SchemaMigrator.migrate(pg.jdbcUrl("app"), "postgres", null);
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("app"), "postgres", "");
                    Statement s = c.createStatement()) {
                s.execute("grant all on all tables in schema public to app");
                s.execute("grant all on all sequences in schema public to app");
            }
            Path password = base.resolve("password.txt");
            Files.writeString(password, "s3cret:pass\n", StandardCharsets.UTF_8);
            Path home = base.resolve("home");

            Cli r = Cli.run(
                    Map.of(Home.ENV_HOME, home.toString()),
                    new ByteArrayInputStream(new byte[0]),
                    "invoke",
                    "aws",
                    "ingest-http",
                    InvokeCommandTest.EVENTS
                            .resolve("aws")
                            .resolve("apigw-http-v2-json.json")
                            .toString(),
                    "--jdbc-url",
                    pg.jdbcUrl("app"),
                    "--user",
                    "app",
                    "--password-file",
                    password.toString());

            assertThat(r.exitCode()).as(r.err() + r.out()).isZero();
            assertThat(new ObjectMapper().readTree(r.out()).get("statusCode").asInt())
                    .isEqualTo(202);
            assertThat(r.err() + r.out()).doesNotContain("s3cret");
            try (Stream<Path> left = Files.list(home.resolve(InvokeCommand.HOME_DIR))) {
                assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("pgpass"));
            }
        }
    }
}
