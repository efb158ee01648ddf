package dev.dbre.rotation;

import static dev.dbre.port.SecretMetadata.CURRENT;
import static dev.dbre.port.SecretMetadata.PENDING;
import static dev.dbre.port.SecretMetadata.PREVIOUS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.rotation.StepResult.Action;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rotations against a real PostgreSQL that checks passwords (SCRAM-SHA-256), through the local
 * versioned store. Every log line written meanwhile — ours, PgJDBC's finest trace, and the
 * server's own statement log — is captured and must hold none of the passwords the tests made.
 */
class RotationDatabaseTest {
    private static LogCapture logs;
    private static final Set<String> PASSWORDS = ConcurrentHashMap.newKeySet();

    @TempDir
    Path dir;

    private RotationFixture fixture;

    @BeforeAll
    static void startServerAndCapture() {
        PasswordPostgres.server();
        logs = new LogCapture();
    }

    @AfterEach
    void noPasswordInAnyLogLine() {
        if (fixture != null) {
            PASSWORDS.addAll(fixture.passwords());
        }
        assertThat(logs.linesContainingAny(PASSWORDS)).isEmpty();
    }

    @AfterAll
    static void captureSawTheStatements() {
        logs.close();
        // The capture did see the server's statement log and PgJDBC's trace (or the scan above
        // proves nothing): ALTER/CREATE ROLE statements were logged, with verifiers only.
        assertThat(logs.lines())
                .anyMatch(l -> l.startsWith("postgres ") && l.contains("ALTER ROLE") && l.contains("SCRAM-SHA-256$"));
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("jul "));
        assertThat(logs.linesContainingAny(PASSWORDS)).isEmpty();
    }

    private RotationFixture fixture(RotationStrategy strategy, String user, String owner) {
        fixture = new RotationFixture(dir, strategy, user, owner);
        return fixture;
    }

    @Test
    void singleUser_threeRotations_newPasswordWorks_olderOnesDoNot_previousIsKept() {
        RotationFixture f = fixture(RotationStrategy.SINGLE, "app_single", null);
        List<String> passwords = new ArrayList<>(List.of(f.byStage(CURRENT).password()));
        List<String> tokens = new ArrayList<>(List.of(f.meta().versionWith(CURRENT)));
        for (int i = 1; i <= 3; i++) {
            String token = UUID.randomUUID().toString();

            List<StepResult> steps = f.service.rotateNow(f.secretId, token, RotationStrategy.SINGLE, r -> {});

            assertThat(steps)
                    .extracting(StepResult::action)
                    .containsExactly(Action.PENDING_CREATED, Action.PASSWORD_SET, Action.TESTED, Action.FINISHED);
            DbSecret current = f.byStage(CURRENT);
            passwords.add(current.password());
            tokens.add(token);
            assertThat(f.meta().versionWith(CURRENT)).isEqualTo(token);
            assertThat(f.meta().versionWith(PREVIOUS)).isEqualTo(tokens.get(i - 1));
            assertThat(f.meta().versionWith(PENDING)).isNull();
            assertThat(f.byStage(PREVIOUS).password()).isEqualTo(passwords.get(i - 1));
            assertThat(current.username()).isEqualTo("app_single");
            assertThat(current.password()).isNotIn(passwords.subList(0, i));
            assertThat(f.logsIn(current)).isTrue();
            // One role, one password: the previous one stops working at once.
            assertThat(f.logsIn("app_single", passwords.get(i - 1))).isFalse();
            if (i >= 2) {
                assertThat(f.logsIn("app_single", passwords.get(i - 2))).isFalse();
            }
        }
    }

    @Test
    void alternatingUsers_threeRotations_usersTakeTurns_andShareTheirTables() throws Exception {
        RotationFixture f = fixture(RotationStrategy.ALTERNATING, "app_alt", "app_alt_owner");
        DbSecret first = f.byStage(CURRENT);
        f.runAs(first, "CREATE TABLE t0 (id int)", "INSERT INTO t0 VALUES (0)");
        List<DbSecret> secrets = new ArrayList<>(List.of(first));
        for (int i = 1; i <= 3; i++) {
            String token = UUID.randomUUID().toString();

            f.service.rotateNow(f.secretId, token, RotationStrategy.ALTERNATING, r -> {});

            DbSecret current = f.byStage(CURRENT);
            secrets.add(current);
            assertThat(current.username()).isEqualTo(i % 2 == 1 ? "app_alt_clone" : "app_alt");
            assertThat(f.meta().versionWith(CURRENT)).isEqualTo(token);
            assertThat(f.meta().versionWith(PENDING)).isNull();
            assertThat(f.byStage(PREVIOUS).password())
                    .isEqualTo(secrets.get(i - 1).password());
            assertThat(f.logsIn(current)).isTrue();
            // The other user keeps its password until its next turn: PREVIOUS still logs in...
            assertThat(f.logsIn(secrets.get(i - 1))).isTrue();
            // ...and the password two rotations old (same user as now) no longer does.
            if (i >= 2) {
                assertThat(secrets.get(i - 2).username()).isEqualTo(current.username());
                assertThat(f.logsIn(secrets.get(i - 2))).isFalse();
            }
            // Tables made by either user are the owner role's, so the other one can use and alter them.
            f.runAs(
                    current,
                    "INSERT INTO t" + (i - 1) + " VALUES (" + i + ")",
                    "ALTER TABLE t" + (i - 1) + " ADD COLUMN c" + i + " int",
                    "CREATE TABLE t" + i + " (id int)");
            f.runAs(secrets.get(i - 1), "INSERT INTO t" + i + " VALUES (" + i + ")");
        }
        try (Connection c =
                        DriverManager.getConnection(PasswordPostgres.server().jdbcUrl(f.database), "postgres", "");
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("app_alt_owner");
            assertThat(rs.next()).isFalse();
        }
        f.runAs(secrets.get(3), "DROP TABLE t0, t1, t2, t3");
    }

    @Test
    void alternatingUsers_withoutOwnerRole_cloneGetsTheUsersMembershipsAndTheUser() throws Exception {
        RotationFixture f = fixture(RotationStrategy.ALTERNATING, "app_plain", null);
        PasswordPostgres.admin(
                f.database, "CREATE ROLE app_plain_readers NOLOGIN", "GRANT app_plain_readers TO app_plain");

        f.service.rotateNow(f.secretId, UUID.randomUUID().toString(), RotationStrategy.ALTERNATING, r -> {});
        f.service.rotateNow(f.secretId, UUID.randomUUID().toString(), RotationStrategy.ALTERNATING, r -> {});

        try (Connection c =
                        DriverManager.getConnection(PasswordPostgres.server().jdbcUrl(f.database), "postgres", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_has_role('app_plain_clone', 'app_plain_readers', 'MEMBER'),"
                        + " pg_has_role('app_plain_clone', 'app_plain', 'MEMBER'),"
                        + " pg_has_role('app_plain', 'app_plain_clone', 'MEMBER')")) {
            rs.next();
            assertThat(rs.getBoolean(1)).isTrue();
            assertThat(rs.getBoolean(2)).isTrue();
            assertThat(rs.getBoolean(3)).isFalse();
        }
        assertThat(f.byStage(CURRENT).username()).isEqualTo("app_plain");
        assertThat(f.logsIn(f.byStage(CURRENT))).isTrue();
        assertThat(f.logsIn(f.byStage(PREVIOUS))).isTrue();
    }

    /** Where a failure is injected: during the step after the one named (BEGIN: before createSecret). */
    enum Fault {
        /** createSecret's put is written, then the store call fails. */
        CREATE_PUT_LOST,
        /** setSecret's change is committed, then the connection fails. */
        SET_COMMITTED_THEN_LOST,
        /** setSecret cannot reach the database. */
        SET_UNREACHABLE,
        /** testSecret's login with PENDING fails (connection lost). */
        TEST_UNREACHABLE,
        /** finishSecret's label move fails before it happens. */
        FINISH_MOVE_FAILS,
        /** finishSecret's label move happens, then the store call fails. */
        FINISH_MOVE_LOST,
        /** The process dies after createSecret. */
        CRASH_AFTER_CREATE,
        /** The process dies after setSecret. */
        CRASH_AFTER_SET,
        /** The process dies after testSecret. */
        CRASH_AFTER_TEST
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void singleUser_failureDuringARotation_rerunWithTheSameTokenConverges(Fault fault) {
        failThenRerun(fixture(RotationStrategy.SINGLE, "app_f_" + fault.ordinal(), null), fault);
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void alternatingUsers_failureDuringARotation_rerunWithTheSameTokenConverges(Fault fault) {
        RotationFixture f =
                fixture(RotationStrategy.ALTERNATING, "app_g_" + fault.ordinal(), "own_g_" + fault.ordinal());
        // A first rotation, so the faulty one goes the other way too (clone back to the user).
        f.service.rotateNow(f.secretId, UUID.randomUUID().toString(), RotationStrategy.ALTERNATING, r -> {});
        failThenRerun(f, fault);
    }

    private static void failThenRerun(RotationFixture f, Fault fault) {
        DbSecret before = f.byStage(CURRENT);
        String token = UUID.randomUUID().toString();
        assertThat(f.loginPromiseBroken()).isNull();
        switch (fault) {
            case CREATE_PUT_LOST -> f.store.failNext("putValue", FaultyStore.When.AFTER);
            default -> {}
        }
        List<String> promiseBroken = new ArrayList<>();
        assertThatThrownBy(() -> f.service.rotateNow(f.secretId, token, f.strategy, r -> {
                    String broken = f.loginPromiseBroken();
                    if (broken != null) {
                        promiseBroken.add(r.step() + ": " + broken);
                    }
                    arm(f, fault, r.step(), before);
                }))
                .isInstanceOfAny(RotationException.class, Crash.class);
        assertThat(promiseBroken).isEmpty();
        assertThat(f.loginPromiseBroken()).isNull();

        f.reopen(); // a new invocation: nothing survives but the store and the database
        List<StepResult> rerun = f.service.rotateNow(f.secretId, token, f.strategy, r -> {
            assertThat(f.loginPromiseBroken()).as("after " + r.step()).isNull();
        });

        assertThat(rerun).hasSize(4);
        assertThat(f.meta().versionWith(CURRENT)).isEqualTo(token);
        assertThat(f.meta().versionWith(PENDING)).isNull();
        DbSecret after = f.byStage(CURRENT);
        assertThat(after.password()).isNotEqualTo(before.password());
        assertThat(f.logsIn(after)).isTrue();
        assertThat(f.byStage(PREVIOUS).password()).isEqualTo(before.password());
        assertThat(f.logsIn(before)).isEqualTo(f.strategy == RotationStrategy.ALTERNATING);
        // Replaying any step now changes nothing.
        for (RotationStep step : RotationStep.values()) {
            assertThat(f.service
                            .rotate(new RotationRequest(f.secretId, token, step))
                            .action())
                    .isEqualTo(Action.ALREADY_CURRENT);
        }
        assertThat(f.byStage(CURRENT).password()).isEqualTo(after.password());
    }

    static final class Crash extends RuntimeException {
        Crash(String m) {
            super(m);
        }
    }

    /** Arms the fault once the step before it has completed. */
    private static void arm(RotationFixture f, Fault fault, RotationStep done, DbSecret before) {
        String pendingPassword = f.store
                .delegate
                .valueByStage(f.secretId, PENDING)
                .map(v -> DbSecret.parse(v, "pending").password())
                .orElse(null);
        switch (fault) {
            case SET_COMMITTED_THEN_LOST -> {
                if (done == RotationStep.CREATE_SECRET) {
                    // single: the user's own connection; alternating: the administrator's
                    f.connector.failNextClose(s -> f.strategy == RotationStrategy.SINGLE
                            ? s.password().equals(before.password())
                            : s.username().equals(PasswordPostgres.ADMIN));
                }
            }
            case SET_UNREACHABLE -> {
                if (done == RotationStep.CREATE_SECRET) {
                    f.connector.failNextOpen(s -> s.password().equals(before.password()));
                }
            }
            case TEST_UNREACHABLE -> {
                if (done == RotationStep.SET_SECRET) {
                    f.connector.failNextOpen(s -> s.password().equals(pendingPassword));
                }
            }
            case FINISH_MOVE_FAILS -> {
                if (done == RotationStep.TEST_SECRET) {
                    f.store.failNext("moveStage", FaultyStore.When.BEFORE);
                }
            }
            case FINISH_MOVE_LOST -> {
                if (done == RotationStep.TEST_SECRET) {
                    f.store.failNext("moveStage", FaultyStore.When.AFTER);
                }
            }
            case CRASH_AFTER_CREATE -> crashIf(done == RotationStep.CREATE_SECRET);
            case CRASH_AFTER_SET -> crashIf(done == RotationStep.SET_SECRET);
            case CRASH_AFTER_TEST -> crashIf(done == RotationStep.TEST_SECRET);
            default -> {}
        }
    }

    private static void crashIf(boolean now) {
        if (now) {
            throw new Crash("simulated crash");
        }
    }
}
