package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.local.rotation.LocalSecretStore;
import dev.dbre.port.PasswordPolicy;
import dev.dbre.port.SecretMetadata;
import dev.dbre.rotation.DbSecret;
import dev.dbre.rotation.PasswordGenerator;
import dev.dbre.rotation.PasswordPostgres;
import dev.dbre.rotation.ScramVerifier;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RotateCommandTest {
    // Not @TempDir: this module's java.io.tmpdir (target/tmp) may not exist yet.
    private final Path dir =
            Path.of("target", "rotate-test", java.util.UUID.randomUUID().toString());

    @Test
    void rotate_runsTheFourSteps_aLineEach_newPasswordLogsIn_oldIsRefused() {
        String db = PasswordPostgres.newDatabase();
        String old = new PasswordGenerator().generate(PasswordPolicy.DEFAULTS);
        PasswordPostgres.admin(
                db,
                "CREATE ROLE cli_app LOGIN PASSWORD '" + ScramVerifier.of(old, new java.security.SecureRandom()) + "'");
        LocalSecretStore store = new LocalSecretStore(dir, Clock.systemUTC());
        store.create(
                "cli/app",
                "{\"engine\":\"postgres\",\"host\":\"127.0.0.1\",\"port\":"
                        + PasswordPostgres.server().port() + ",\"username\":\"cli_app\",\"password\":\"" + old
                        + "\",\"dbname\":\"" + db + "\",\"ssl\":false}",
                true);

        Cli cli = Cli.run(
                Map.of("PASSWORD_LENGTH", "40"),
                new ByteArrayInputStream(new byte[0]),
                "rotate",
                "--secret",
                "cli/app",
                "--store",
                dir.toString(),
                "--token",
                "tok-1");

        assertThat(cli.exitCode()).as(cli.err()).isZero();
        assertThat(cli.out())
                .contains("createSecret PENDING_CREATED")
                .contains("setSecret PASSWORD_SET")
                .contains("testSecret TESTED")
                .contains("finishSecret FINISHED")
                .contains("CURRENT is version tok-1");
        String newPassword = DbSecret.parse(
                        store.valueByStage("cli/app", SecretMetadata.CURRENT).orElseThrow(), "c")
                .password();
        assertThat(newPassword).hasSize(40);
        assertThat(cli.out()).doesNotContain(newPassword).doesNotContain(old);
        assertThat(PasswordPostgres.logsIn(db, "cli_app", newPassword)).isTrue();
        assertThat(PasswordPostgres.logsIn(db, "cli_app", old)).isFalse();

        // Same token again: every step sees the token is current and does nothing.
        Cli again = Cli.run(
                Map.of(),
                new ByteArrayInputStream(new byte[0]),
                "rotate",
                "--secret",
                "cli/app",
                "--store",
                dir.toString(),
                "--token",
                "tok-1");
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("finishSecret ALREADY_CURRENT");
        assertThat(PasswordPostgres.logsIn(db, "cli_app", newPassword)).isTrue();
    }

    @Test
    void rotate_withAJdbcUrl_recordsEachStepInRotationRuns_withoutThePassword() throws Exception {
        String db = PasswordPostgres.newDatabase();
        String old = new PasswordGenerator().generate(PasswordPolicy.DEFAULTS);
        PasswordPostgres.admin(
                db,
                "CREATE ROLE cli_runs LOGIN PASSWORD '" + ScramVerifier.of(old, new java.security.SecureRandom())
                        + "'");
        LocalSecretStore store = new LocalSecretStore(dir, Clock.systemUTC());
        store.create(
                "cli/runs",
                "{\"engine\":\"postgres\",\"host\":\"127.0.0.1\",\"port\":"
                        + PasswordPostgres.server().port() + ",\"username\":\"cli_runs\",\"password\":\"" + old
                        + "\",\"dbname\":\"" + db + "\",\"ssl\":false}",
                true);
        TestDatabase product = PostgresExtension.newDatabase();

        Cli cli = Cli.run(
                Map.of(),
                new ByteArrayInputStream(new byte[0]),
                "rotate",
                "--secret",
                "cli/runs",
                "--store",
                dir.toString(),
                "--token",
                "tok-runs",
                "--jdbc-url",
                product.jdbcUrl(),
                "--user",
                "postgres");

        assertThat(cli.exitCode()).as(cli.err()).isZero();
        String newPassword = DbSecret.parse(
                        store.valueByStage("cli/runs", SecretMetadata.CURRENT).orElseThrow(), "c")
                .password();
        assertThat(product.queryLong("select count(*) from rotation_runs where secret_id = 'cli/runs'"
                        + " and token = 'tok-runs' and outcome = 'COMPLETED' and cloud = 'local'"))
                .isEqualTo(4);
        assertThat(product.queryLong("select count(*) from rotation_runs r where row_to_json(r)::text like '%"
                        + newPassword.replace("'", "''").replace("%", "").replace("_", "") + "%'"))
                .isZero();
    }

    @Test
    void rotate_unknownSecret_failsWithTheReason() {
        Cli cli = Cli.run("rotate", "--secret", "nope", "--store", dir.toString());

        assertThat(cli.exitCode()).isEqualTo(DbreCommand.EXIT_FAILURE);
        assertThat(cli.err()).contains("secret nope not found");
    }

    @Test
    void anUnknownStrategy_isAUsageError() {
        Cli cli = Cli.run("rotate", "--secret", "x", "--strategy", "dual", "--home", dir.toString());

        assertThat(cli.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(cli.err()).contains("--strategy").contains("single or alternating");
    }
}
