package dev.dbre.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The named transitions of a restore run: each legal one, and the refusal of illegal ones. */
class RestoreRunTest {
    private static final Instant T0 = Instant.parse("2026-11-22T13:00:00Z");
    private static final UUID ID = UUID.fromString("00000000-0000-0000-0000-00000000000a");

    private static RestoreRun requested(boolean drill) {
        return RestoreRun.requested(
                ID,
                RestoreServiceTest.request("restore-run-test", drill, "{\"atLeast\":1}"),
                T0,
                T0.plus(Duration.ofHours(6)));
    }

    private static RestoreRun verifying(boolean drill) {
        return requested(drill)
                .started("ref-1", T0.plusSeconds(1))
                .available("restored.example", 5432, T0.plusSeconds(60))
                .verifying(T0.plusSeconds(61));
    }

    @Test
    void requested_takesItsFieldsFromTheRequest() {
        RestoreRun run = requested(true);
        assertThat(run.state()).isEqualTo(RestoreState.REQUESTED);
        assertThat(run.sourceId()).isEqualTo("orders-db");
        assertThat(run.newName()).isEqualTo("restore-run-test");
        assertThat(run.requestKey()).isEqualTo(run.request().key());
        assertThat(run.targetTime()).isEqualTo(Instant.parse("2026-11-22T12:00:00Z"));
        assertThat(run.drill()).isTrue();
        assertThat(run.requestedAt()).isEqualTo(T0);
        assertThat(run.updatedAt()).isEqualTo(T0);
        assertThat(run.deadline()).isEqualTo(T0.plus(Duration.ofHours(6)));
        assertThat(run.outcome()).isNull();
        assertThat(run.attempts()).isZero();
    }

    @Test
    void happyPath_restoresVerifiesAndCleansUp() {
        RestoreRun started = requested(true).started("ref-1", T0.plusSeconds(1));
        assertThat(started.state()).isEqualTo(RestoreState.RESTORING);
        assertThat(started.target().startRef()).isEqualTo("ref-1");

        RestoreRun retried = started.retryLater("throttled", T0.plusSeconds(2));
        assertThat(retried.attempts()).isEqualTo(1);
        assertThat(retried.lastError()).isEqualTo("throttled");

        RestoreRun available = retried.available("restored.example", 5432, T0.plusSeconds(60));
        assertThat(available.state()).isEqualTo(RestoreState.AVAILABLE);
        assertThat(available.attempts())
                .as("a new state starts with a clean retry count")
                .isZero();
        assertThat(available.lastError()).isNull();
        assertThat(available.endpointHost()).isEqualTo("restored.example");

        RestoreRun verified = available.verifying(T0.plusSeconds(61)).verified("[]", T0.plusSeconds(90));
        assertThat(verified.state()).isEqualTo(RestoreState.VERIFIED);
        assertThat(verified.outcome()).isEqualTo(RestoreState.VERIFIED);
        assertThat(verified.recoveryTime()).isEqualTo(Duration.ofSeconds(90));
        assertThat(verified.verifiedAt()).isEqualTo(T0.plusSeconds(90));
        assertThat(verified.finished()).as("a drill is cleaned up next").isFalse();

        RestoreRun cleaned = verified.cleanedUp(T0.plusSeconds(120));
        assertThat(cleaned.state()).isEqualTo(RestoreState.CLEANED_UP);
        assertThat(cleaned.outcome()).isEqualTo(RestoreState.VERIFIED);
        assertThat(cleaned.finished()).isTrue();
    }

    @Test
    void failed_fromEveryStateInProgress_keepsTheReason() {
        for (RestoreRun run : new RestoreRun[] {
            requested(true),
            requested(true).started("r", T0),
            requested(true).started("r", T0).available("h", 5432, T0),
            verifying(true)
        }) {
            RestoreRun failed = run.failed("boom", T0.plusSeconds(5));
            assertThat(failed.state()).isEqualTo(RestoreState.FAILED);
            assertThat(failed.outcome()).isEqualTo(RestoreState.FAILED);
            assertThat(failed.failureReason()).isEqualTo("boom");
        }
        RestoreRun cleanupFailed = verifying(true)
                .withVerification("[{\"passed\":false}]")
                .failed("verification failed", T0)
                .cleanupFailed("could not delete restore-run-test", T0);
        assertThat(cleanupFailed.state()).isEqualTo(RestoreState.CLEANUP_FAILED);
        assertThat(cleanupFailed.outcome()).isEqualTo(RestoreState.FAILED);
        assertThat(cleanupFailed.verificationJson()).contains("passed");
        assertThat(cleanupFailed.lastError()).contains("restore-run-test");
    }

    @Test
    void illegalTransitions_nameFromAndTo() {
        assertIllegal(requested(true), r -> r.available("h", 5432, T0), "REQUESTED", "AVAILABLE");
        assertIllegal(requested(true), r -> r.verified("[]", T0), "REQUESTED", "VERIFIED");
        assertIllegal(requested(true), r -> r.cleanedUp(T0), "REQUESTED", "CLEANED_UP");
        assertIllegal(requested(true).started("r", T0), r -> r.started("r", T0), "RESTORING", "RESTORING");
        assertIllegal(requested(true).started("r", T0), r -> r.verifying(T0), "RESTORING", "VERIFYING");
        assertIllegal(verifying(true), r -> r.available("h", 1, T0), "VERIFYING", "AVAILABLE");
        RestoreRun verified = verifying(true).verified("[]", T0);
        assertIllegal(verified, r -> r.failed("late", T0), "VERIFIED", "FAILED");
        assertIllegal(verified, r -> r.started("again", T0), "VERIFIED", "RESTORING");
        RestoreRun cleaned = verified.cleanedUp(T0);
        assertIllegal(cleaned, r -> r.touched(T0), "CLEANED_UP", "touched");
        assertIllegal(cleaned, r -> r.retryLater("x", T0), "CLEANED_UP", "retryLater");
        assertIllegal(cleaned, r -> r.cleanupFailed("x", T0), "CLEANED_UP", "CLEANUP_FAILED");
        assertIllegal(requested(true), r -> r.withVerification("[]"), "REQUESTED", "withVerification");
    }

    @Test
    void keptRestore_isFinishedAtItsOutcome_andNeverCleanedUp() {
        RestoreRun verified = verifying(false).verified("[]", T0);
        assertThat(verified.finished()).isTrue();
        assertIllegal(verified, r -> r.cleanedUp(T0), "VERIFIED", "CLEANED_UP");
        assertIllegal(verified, r -> r.retryLater("x", T0), "VERIFIED", "retryLater");
        RestoreRun failed = requested(false).failed("no", T0);
        assertIllegal(failed, r -> r.cleanupFailed("x", T0), "FAILED", "CLEANUP_FAILED");
    }

    @Test
    void aTransitionLeavesTheRunItStartedFromUnchanged() {
        RestoreRun run = requested(true);
        RestoreRun started = run.started("ref", T0.plusSeconds(1));
        assertThat(run.state()).isEqualTo(RestoreState.REQUESTED);
        assertThat(run.startRef()).isNull();
        assertThat(started).isNotEqualTo(run);
        assertThat(requested(true)).isEqualTo(run).hasSameHashCodeAs(run);
    }

    private static void assertIllegal(RestoreRun run, UnaryOperator<RestoreRun> change, String from, String to) {
        assertThatThrownBy(() -> change.apply(run))
                .isInstanceOfSatisfying(RestoreRun.IllegalTransitionException.class, e -> {
                    assertThat(e.from().name()).isEqualTo(from);
                    assertThat(e.to()).isEqualTo(to);
                    assertThat(e.getMessage()).contains("restore run " + ID, "cannot go from " + from + " to " + to);
                });
    }
}
