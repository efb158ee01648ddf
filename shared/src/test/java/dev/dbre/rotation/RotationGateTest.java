package dev.dbre.rotation;

import static dev.dbre.port.SecretMetadata.CURRENT;
import static dev.dbre.port.SecretMetadata.PENDING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gate and createSecret, which need no database (the connector refuses to be used). */
class RotationGateTest {
    private static final String VALUE =
            "{\"engine\":\"postgres\",\"host\":\"db\",\"username\":\"app\",\"password\":\"old-Password-123\"}";

    private MemorySecretStore store;
    private RotationService service;
    private String v1;

    @BeforeEach
    void setUp() {
        store = new MemorySecretStore();
        v1 = store.create("app", VALUE, true);
        SecretConnector noDatabase = s -> {
            throw new SQLException("no database in this test", "08001");
        };
        service = new RotationService(
                store, noDatabase, RotationSettings.DEFAULTS, new PasswordGenerator(), new SecureRandom());
    }

    private RotationError failure(String token, RotationStep step) {
        try {
            service.rotate(new RotationRequest("app", token, step));
        } catch (RotationException e) {
            return e.error();
        }
        return null;
    }

    @Test
    void gate_rotationDisabled_refusesEveryStep() {
        store.setRotationEnabled("app", false);
        store.beginVersion("app", "t1");
        for (RotationStep step : RotationStep.values()) {
            assertThat(failure("t1", step)).isEqualTo(RotationError.ROTATION_DISABLED);
        }
    }

    @Test
    void gate_unknownToken_isNotAVersion() {
        assertThat(failure("nope", RotationStep.CREATE_SECRET)).isEqualTo(RotationError.TOKEN_NOT_A_VERSION);
    }

    @Test
    void gate_versionNotPending_isRefused() {
        store.putValue("app", "t1", VALUE.replace("old", "new"), Set.of(CURRENT)); // v1 becomes PREVIOUS
        assertThat(failure(v1, RotationStep.SET_SECRET)).isEqualTo(RotationError.TOKEN_NOT_PENDING);
    }

    @Test
    void gate_tokenAlreadyCurrent_everyStepDoesNothing() {
        for (RotationStep step : RotationStep.values()) {
            assertThat(service.rotate(new RotationRequest("app", v1, step)).action())
                    .isEqualTo(StepResult.Action.ALREADY_CURRENT);
        }
        assertThat(store.valueByStage("app", CURRENT)).contains(VALUE);
    }

    @Test
    void createSecret_isIdempotent_andKeepsEverythingButThePassword() {
        store.beginVersion("app", "t1");

        StepResult first = service.rotate(new RotationRequest("app", "t1", RotationStep.CREATE_SECRET));
        String pending = store.valueByVersion("app", "t1", PENDING).orElseThrow();
        StepResult second = service.rotate(new RotationRequest("app", "t1", RotationStep.CREATE_SECRET));

        assertThat(first.action()).isEqualTo(StepResult.Action.PENDING_CREATED);
        assertThat(second.action()).isEqualTo(StepResult.Action.PENDING_KEPT);
        assertThat(store.valueByVersion("app", "t1", PENDING)).contains(pending);
        DbSecret p = DbSecret.parse(pending, "p");
        assertThat(p.username()).isEqualTo("app");
        assertThat(p.host()).isEqualTo("db");
        assertThat(p.password()).hasSize(32).isNotEqualTo("old-Password-123");
    }

    @Test
    void createSecret_alternating_flipsTheUser_andChecksTheEngine() {
        store.beginVersion("app", "t1");
        service.rotate(new RotationRequest("app", "t1", RotationStep.CREATE_SECRET), RotationStrategy.ALTERNATING);
        assertThat(DbSecret.parse(store.valueByStage("app", PENDING).orElseThrow(), "p")
                        .username())
                .isEqualTo("app_clone");

        store.create("mysql", VALUE.replace("postgres", "mysql"), true);
        store.beginVersion("mysql", "t2");
        assertThatThrownBy(() -> service.rotate(
                        new RotationRequest("mysql", "t2", RotationStep.CREATE_SECRET), RotationStrategy.ALTERNATING))
                .isInstanceOfSatisfying(
                        RotationException.class,
                        e -> assertThat(e.error()).isEqualTo(RotationError.UNSUPPORTED_ENGINE));
    }

    @Test
    void alternateUser_flipsBothWays_andRefusesOver63Bytes() {
        assertThat(RotationService.alternateUser("app")).isEqualTo("app_clone");
        assertThat(RotationService.alternateUser("app_clone")).isEqualTo("app");
        assertThat(RotationService.alternateUser("a".repeat(57))).hasSize(63);
        assertThatThrownBy(() -> RotationService.alternateUser("a".repeat(58)))
                .isInstanceOfSatisfying(
                        RotationException.class, e -> assertThat(e.error()).isEqualTo(RotationError.USERNAME_TOO_LONG));
    }

    @Test
    void storeFailure_isAStoreError_withTheStoresRetryVerdict() {
        store.beginVersion("app", "t1");
        FaultyStore faulty = new FaultyStore(store);
        RotationService s = new RotationService(
                faulty, x -> null, RotationSettings.DEFAULTS, new PasswordGenerator(), new SecureRandom());
        faulty.failNext("describe", FaultyStore.When.BEFORE);
        assertThatThrownBy(() -> s.rotate(new RotationRequest("app", "t1", RotationStep.CREATE_SECRET)))
                .isInstanceOfSatisfying(RotationException.class, e -> {
                    assertThat(e.error()).isEqualTo(RotationError.STORE_ERROR);
                    assertThat(e.retryable()).isTrue();
                });
    }

    @Test
    void request_withoutTokenOrUnknownStep_isRefused() {
        assertThatThrownBy(() -> RotationRequest.of("app", "", "createSecret"))
                .isInstanceOfSatisfying(
                        RotationException.class, e -> assertThat(e.error()).isEqualTo(RotationError.BAD_REQUEST));
        assertThatThrownBy(() -> RotationRequest.of("app", "t", "dropSecret"))
                .isInstanceOfSatisfying(
                        RotationException.class, e -> assertThat(e.error()).isEqualTo(RotationError.UNKNOWN_STEP));
    }
}
