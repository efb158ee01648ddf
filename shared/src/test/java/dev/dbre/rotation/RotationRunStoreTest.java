package dev.dbre.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.obs.Metric;
import dev.dbre.obs.MetricNames;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rotation records each step in {@code rotation_runs} (what the SLO report's rotation source
 * reads): one row per step, with its outcome, and never a password; recording never decides a
 * step's outcome.
 */
@ExtendWith(PostgresExtension.class)
class RotationRunStoreTest {
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;

    private final TestDatabase db;

    RotationRunStoreTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void clean() throws SQLException {
        db.execute("truncate rotation_runs");
    }

    @Test
    void aRotation_writesOneRowPerStep_andNoColumnHoldsAPassword() throws SQLException {
        RotationFixture f = new RotationFixture(dir, RotationStrategy.SINGLE, "app_runs", null);
        RotationService service = f.service.withRunStore(
                new RotationRunStore(db.connections(), new MutableClock(T0), "local", "dbre-rotate"));
        String token = UUID.randomUUID().toString();

        service.rotateNow(f.secretId, token, RotationStrategy.SINGLE, r -> {});

        List<String> rows = new ArrayList<>();
        List<String> json = new ArrayList<>();
        try (Connection c = db.open();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("select secret_id, token, step, outcome, action, error_kind, strategy, at,"
                                + " function_name, cloud, row_to_json(r)::text from rotation_runs r order by id")) {
            while (rs.next()) {
                rows.add(String.join(
                        " ",
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        String.valueOf(rs.getString(6)),
                        rs.getString(7),
                        rs.getTimestamp(8).toInstant().toString(),
                        rs.getString(9),
                        rs.getString(10)));
                json.add(rs.getString(11));
            }
        }
        String tail = " null single 2026-11-23T10:00:00Z dbre-rotate local";
        assertThat(rows)
                .containsExactly(
                        f.secretId + " " + token + " createSecret COMPLETED PENDING_CREATED" + tail,
                        f.secretId + " " + token + " setSecret COMPLETED PASSWORD_SET" + tail,
                        f.secretId + " " + token + " testSecret COMPLETED TESTED" + tail,
                        f.secretId + " " + token + " finishSecret COMPLETED FINISHED" + tail);
        assertThat(f.passwords()).hasSizeGreaterThanOrEqualTo(2); // the old and the new one at least
        for (String row : json) {
            for (String password : f.passwords()) {
                assertThat(row).doesNotContain(password);
            }
            assertThat(row).doesNotContain("password").doesNotContain(f.user);
        }
    }

    @Test
    void aFailedStep_isRecordedWithItsErrorKind() throws SQLException {
        RotationFixture f = new RotationFixture(dir, RotationStrategy.SINGLE, "app_runs_failed", null);
        RotationService service =
                f.service.withRunStore(new RotationRunStore(db.connections(), new MutableClock(T0), "aws", null));

        assertThatThrownBy(
                        () -> service.rotate(new RotationRequest(f.secretId, "not-a-version", RotationStep.SET_SECRET)))
                .isInstanceOf(RotationException.class);

        assertThat(db.queryLong("select count(*) from rotation_runs where step = 'setSecret' and outcome = 'FAILED'"
                        + " and error_kind = 'TOKEN_NOT_A_VERSION' and action is null and function_name is null"))
                .isEqualTo(1);
    }

    @Test
    void aStoreThatCannotWrite_neverFailsTheStep_andIsCounted() {
        RotationFixture f = new RotationFixture(dir, RotationStrategy.SINGLE, "app_runs_down", null);
        List<Metric> published = new ArrayList<>();
        RotationRunStore down = new RotationRunStore(
                () -> {
                    throw new SQLException("connection refused", "08001");
                },
                new MutableClock(T0),
                "gcp",
                null);
        RotationService service = f.service
                .withMetrics((dims, metrics) -> published.addAll(metrics))
                .withRunStore(down);
        String token = UUID.randomUUID().toString();

        List<StepResult> steps = service.rotateNow(f.secretId, token, RotationStrategy.SINGLE, r -> {});

        assertThat(steps).last().satisfies(s -> assertThat(s.action()).isEqualTo(StepResult.Action.FINISHED));
        assertThat(f.logsIn(f.byStage(dev.dbre.port.SecretMetadata.CURRENT))).isTrue();
        assertThat(published.stream().filter(m -> m.name().equals(MetricNames.ROTATION_RUNS_NOT_RECORDED)))
                .hasSize(4);
    }
}
