package dev.dbre.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.obs.Metric;
import dev.dbre.obs.MetricNames;
import dev.dbre.port.ProviderError;
import dev.dbre.port.ProviderException;
import dev.dbre.port.RestoreProgress;
import dev.dbre.port.RestoreProgress.State;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotRef;
import dev.dbre.port.SnapshotStatus;
import dev.dbre.testing.FakeRestoreProvider;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@ExtendWith(PostgresExtension.class)
class RestoreServiceTest {
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    static final Instant EARLIEST = Instant.parse("2026-11-20T00:00:00Z");
    static final Duration PLENTY = Duration.ofMinutes(10);
    static final AtomicInteger NAMES = new AtomicInteger();

    final TestDatabase db;
    final List<Metric> published = new ArrayList<>();

    RestoreServiceTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeAll
    static void restoredData(TestDatabase db) throws SQLException {
        db.execute("create table restored_items (id int primary key)");
        db.execute("insert into restored_items select generate_series(1, 10)");
    }

    FakeRestoreProvider provider() {
        return new FakeRestoreProvider()
                .source("orders-db", false, EARLIEST, T0)
                .source("payments-db", true, EARLIEST, T0)
                .restoredDatabase(db.connections());
    }

    RestoreService service(FakeRestoreProvider p) {
        return new RestoreService(p, db.connections(), (dims, metrics) -> published.addAll(metrics));
    }

    static String name() {
        return "restore-" + NAMES.incrementAndGet();
    }

    static RestoreRequest request(String name, boolean drill, String expectJson) {
        return RestoreRequest.parse("{\"source\":\"orders-db\",\"targetTime\":\"2026-11-22T12:00:00Z\",\"newName\":\""
                + name + "\",\"drill\":" + drill + ",\"verify\":[{\"name\":\"items\",\"sql\":"
                + "\"select count(*) from restored_items\",\"expect\":" + expectJson + "}]}");
    }

    @Test
    void recoveryTime_isPublishedWithTheRestoresKind() {
        List<Map<String, String>> dims = new ArrayList<>();
        RestoreService s = new RestoreService(provider(), db.connections(), (d, m) -> {
            if (m.stream().anyMatch(x -> x.name().equals(MetricNames.RESTORE_RECOVERY_SECONDS))) {
                dims.add(d);
            }
        });
        RestoreService.Submitted sub = s.submit(request(name(), true, "{\"atLeast\": 1}"), T0);

        for (int i = 1; i <= 5; i++) {
            s.advance(sub.runId(), T0.plusSeconds(60L * i), PLENTY);
        }

        assertThat(dims)
                .singleElement()
                .satisfies(d -> assertThat(d).containsEntry("kind", "pitr").containsEntry("source", "orders-db"));
        assertThat(RestoreService.kind(request(name(), true, "{\"atLeast\": 1}")))
                .isEqualTo("pitr");
    }

    long runRows() throws SQLException {
        return db.queryLong("select count(*) from restore_runs");
    }

    @Test
    void drill_goesThroughEveryState_recordsEachTransition_andTheRecoveryTime() {
        FakeRestoreProvider p = provider()
                .progress(
                        new RestoreProgress(State.RESTORING, null, 0, "creating"),
                        new RestoreProgress(State.AVAILABLE, "db.example", 5432, "available"));
        RestoreService s = service(p);
        String name = name();
        RestoreService.Submitted sub = s.submit(request(name, true, "{\"atLeast\": 10}"), T0);

        List<RestoreState> states = new ArrayList<>();
        Instant now = T0;
        RestoreRun run = sub.run();
        while (!run.finished()) {
            now = now.plusSeconds(60);
            run = s.advance(sub.runId(), now, PLENTY);
            states.add(run.state());
        }

        assertThat(states)
                .containsExactly(
                        RestoreState.RESTORING,
                        RestoreState.RESTORING,
                        RestoreState.AVAILABLE,
                        RestoreState.VERIFYING,
                        RestoreState.VERIFIED,
                        RestoreState.CLEANED_UP);
        assertThat(run.outcome()).isEqualTo(RestoreState.VERIFIED);
        assertThat(run.endpointHost()).isEqualTo("db.example");
        // Requested at T0, verified at the fifth advance (T0 + 5 min).
        assertThat(run.recoverySeconds()).isEqualTo(300.0);
        // jsonb's text form: '"key": value'.
        assertThat(run.verificationJson()).contains("\"passed\": true", "\"actual\": \"10\"");
        assertThat(s.events(sub.runId()))
                .extracting(RestoreEvent::state, RestoreEvent::at)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(RestoreState.REQUESTED, T0),
                        org.assertj.core.groups.Tuple.tuple(RestoreState.RESTORING, T0.plusSeconds(60)),
                        org.assertj.core.groups.Tuple.tuple(RestoreState.AVAILABLE, T0.plusSeconds(180)),
                        org.assertj.core.groups.Tuple.tuple(RestoreState.VERIFYING, T0.plusSeconds(240)),
                        org.assertj.core.groups.Tuple.tuple(RestoreState.VERIFIED, T0.plusSeconds(300)),
                        org.assertj.core.groups.Tuple.tuple(RestoreState.CLEANED_UP, T0.plusSeconds(360)));
        assertThat(p.changingCalls())
                .containsExactly("startRestore orders-db 2026-11-22T12:00:00Z " + name + " {}", "delete " + name);
        assertThat(published)
                .extracting(Metric::name)
                .containsExactly(MetricNames.RESTORE_RECOVERY_SECONDS, MetricNames.DRILLS_COMPLETED);
    }

    @Test
    void repeatedAdvance_isHarmless_theRestoreStartsOnce_andAFinishedRunStaysAsItIs() {
        FakeRestoreProvider p = provider();
        RestoreService s = service(p);
        String name = name();
        RestoreService.Submitted sub = s.submit(request(name, false, "{\"equals\": 10}"), T0);

        RestoreRun first = s.advance(sub.runId(), T0, PLENTY);
        RestoreRun second = s.advance(sub.runId(), T0, PLENTY);
        assertThat(first.state()).isEqualTo(RestoreState.RESTORING);
        assertThat(second.state()).isEqualTo(RestoreState.AVAILABLE);
        RestoreRun done = s.advance(sub.runId(), T0, PLENTY);
        done = s.advance(sub.runId(), T0, PLENTY);
        assertThat(done.state()).isEqualTo(RestoreState.VERIFIED);
        int callsBefore = p.calls.size();
        RestoreRun again = s.advance(sub.runId(), T0.plusSeconds(999), PLENTY);

        assertThat(again.state()).isEqualTo(done.state());
        assertThat(again.updatedAt()).isEqualTo(done.updatedAt());
        assertThat(again).isEqualTo(s.find(sub.runId()).orElseThrow());
        assertThat(p.calls).hasSize(callsBefore);
        assertThat(p.changingCalls()).hasSize(1); // kept restore: started once, never deleted
        assertThat(s.events(sub.runId())).hasSize(5);
    }

    @Test
    void runLockedByAnotherInvocation_isReturnedUnchanged_withoutACall() throws SQLException {
        FakeRestoreProvider p = provider();
        RestoreService s = service(p);
        RestoreService.Submitted sub = s.submit(request(name(), false, "{\"atLeast\": 1}"), T0);
        int callsBefore = p.calls.size();
        try (Connection other = db.open();
                Statement st = other.createStatement()) {
            other.setAutoCommit(false);
            st.execute("select 1 from restore_runs where run_id = '" + sub.runId() + "' for update");

            RestoreRun r = s.advance(sub.runId(), T0, PLENTY);

            assertThat(r.state()).isEqualTo(RestoreState.REQUESTED);
            other.rollback();
        }
        assertThat(p.calls).hasSize(callsBefore);
        assertThat(s.advance(sub.runId(), T0, PLENTY).state()).isEqualTo(RestoreState.RESTORING);
    }

    @Test
    void tooLittleTimeLeft_startsNoStep() {
        FakeRestoreProvider p = provider();
        RestoreService s = service(p);
        RestoreService.Submitted sub = s.submit(request(name(), false, "{\"atLeast\": 1}"), T0);

        RestoreRun r = s.advance(sub.runId(), T0, Duration.ofMillis(500));

        assertThat(r.state()).isEqualTo(RestoreState.REQUESTED);
        assertThat(p.changingCalls()).isEmpty();
    }

    @Test
    void sameRequestSubmittedTwice_returnsTheSameRun() throws SQLException {
        RestoreService s = service(provider());
        RestoreRequest r = request(name(), false, "{\"atLeast\": 1}");
        RestoreService.Submitted a = s.submit(r, T0);
        long rows = runRows();

        RestoreService.Submitted b = s.submit(r, T0.plusSeconds(5));

        assertThat(a.created()).isTrue();
        assertThat(b.created()).isFalse();
        assertThat(b.runId()).isEqualTo(a.runId());
        assertThat(runRows()).isEqualTo(rows);
    }

    void assertRefused(FakeRestoreProvider p, String json, RestoreError code, String message) throws SQLException {
        RestoreService s = service(p);
        long rows = runRows();
        assertThatThrownBy(() -> s.submit(RestoreRequest.parse(json), T0))
                .isInstanceOfSatisfying(
                        RestoreRejectedException.class,
                        e -> assertThat(e.error()).isEqualTo(code))
                .hasMessageContaining(message);
        assertThat(runRows()).isEqualTo(rows);
        assertThat(p.changingCalls()).isEmpty();
    }

    @Test
    void unknownSource_isRefused_andNothingChanges() throws SQLException {
        assertRefused(
                provider(),
                "{\"source\":\"nope\",\"latest\":true,\"newName\":\"x-1\"}",
                RestoreError.SOURCE_NOT_FOUND,
                "no database 'nope'");
    }

    @Test
    void targetOutsideTheWindow_isRefused_andNothingChanges() throws SQLException {
        assertRefused(
                provider(),
                "{\"source\":\"orders-db\",\"targetTime\":\"2026-11-19T23:59:59Z\",\"newName\":\"x-2\"}",
                RestoreError.TARGET_OUTSIDE_WINDOW,
                "outside the restorable window of orders-db: [2026-11-20T00:00:00Z, 2026-11-23T10:00:00Z]");
        assertRefused(
                provider(),
                "{\"source\":\"orders-db\",\"targetTime\":\"2026-11-23T10:00:01Z\",\"newName\":\"x-2\"}",
                RestoreError.TARGET_OUTSIDE_WINDOW,
                "outside the restorable window");
    }

    @Test
    void takenName_isRefused_andNothingChanges() throws SQLException {
        assertRefused(
                provider().taken("x-3"),
                "{\"source\":\"orders-db\",\"latest\":true,\"newName\":\"x-3\"}",
                RestoreError.NAME_TAKEN,
                "'x-3' exists already");
    }

    @Test
    void nameOfARunInProgress_isTaken_evenBeforeTheProviderKnowsIt() throws SQLException {
        RestoreService s = service(provider());
        String name = name();
        s.submit(request(name, false, "{\"atLeast\": 1}"), T0);

        RestoreRequest other = RestoreRequest.parse(
                "{\"requestId\":\"other\",\"source\":\"orders-db\",\"latest\":true,\"newName\":\"" + name + "\"}");
        assertRefused(
                provider(),
                other.toJson(),
                RestoreError.NAME_TAKEN,
                "another restore run that has not finished uses the name '" + name + "'");
    }

    @Test
    void productionSource_needsItsIdAsConfirmation() throws SQLException {
        assertRefused(
                provider(),
                "{\"source\":\"payments-db\",\"latest\":true,\"newName\":\"x-4\"}",
                RestoreError.CONFIRMATION_REQUIRED,
                "set confirmProduction to \"payments-db\"");
        assertRefused(
                provider(),
                "{\"source\":\"payments-db\",\"latest\":true,\"newName\":\"x-4\",\"confirmProduction\":\"orders-db\"}",
                RestoreError.CONFIRMATION_REQUIRED,
                "production");
        RestoreService.Submitted ok = service(provider())
                .submit(
                        RestoreRequest.parse("{\"source\":\"payments-db\",\"latest\":true,\"newName\":\"x-4\","
                                + "\"confirmProduction\":\"payments-db\"}"),
                        T0);
        assertThat(ok.created()).isTrue();
        assertThat(ok.run().targetTime()).isNull();
    }

    @Test
    void failedVerification_endsFailed_namingTheCheck_andADrillIsStillCleanedUp() {
        FakeRestoreProvider p = provider();
        RestoreService s = service(p);
        String name = name();
        RestoreService.Submitted sub = s.submit(request(name, true, "{\"atLeast\": 11}"), T0);
        RestoreRun run = sub.run();
        List<RestoreState> states = new ArrayList<>();
        while (!run.finished()) {
            run = s.advance(sub.runId(), T0, PLENTY);
            states.add(run.state());
        }

        assertThat(states).containsSubsequence(RestoreState.VERIFYING, RestoreState.FAILED, RestoreState.CLEANED_UP);
        assertThat(run.outcome()).isEqualTo(RestoreState.FAILED);
        assertThat(run.failureReason()).isEqualTo("verification failed: items (expected atLeast 11, got 10)");
        assertThat(run.recoverySeconds()).isNull();
        assertThat(p.changingCalls()).last().isEqualTo("delete " + name);
        assertThat(published).extracting(Metric::name).containsExactly(MetricNames.RESTORE_FAILURES);
    }

    @Test
    void providerFailure_endsFailed_withItsReason() {
        FakeRestoreProvider p =
                provider().progress(new RestoreProgress(State.FAILED, null, 0, "incompatible-parameters"));
        RestoreService s = service(p);
        RestoreService.Submitted sub = s.submit(request(name(), false, "{\"atLeast\": 1}"), T0);
        s.advance(sub.runId(), T0, PLENTY);

        RestoreRun run = s.advance(sub.runId(), T0, PLENTY);

        assertThat(run.state()).isEqualTo(RestoreState.FAILED);
        assertThat(run.failureReason()).isEqualTo("the provider's restore failed: incompatible-parameters");
        assertThat(run.finished()).isTrue();
    }

    @Test
    void retryableProviderFault_isRetried_thenFailsAfterTheLimit() {
        FakeRestoreProvider p = provider();
        for (int i = 0; i < RestoreService.MAX_ATTEMPTS; i++) {
            p.failStart(new ProviderException(ProviderError.THROTTLED, "Throttling", "rate exceeded", null));
        }
        RestoreService s = service(p);
        RestoreService.Submitted sub = s.submit(request(name(), false, "{\"atLeast\": 1}"), T0);

        RestoreRun once = s.advance(sub.runId(), T0, PLENTY);
        assertThat(once.state()).isEqualTo(RestoreState.REQUESTED);
        assertThat(once.attempts()).isEqualTo(1);
        assertThat(once.lastError()).contains("rate exceeded");
        RestoreRun run = once;
        for (int i = 1; i < RestoreService.MAX_ATTEMPTS; i++) {
            run = s.advance(sub.runId(), T0, PLENTY);
        }
        assertThat(run.state()).isEqualTo(RestoreState.FAILED);
        assertThat(run.failureReason()).contains("Throttling");
    }

    @ParameterizedTest
    @EnumSource(ProviderError.class)
    void aFailedStart_isTriedAgainLater_exactlyWhenItsKindIsRetryable(ProviderError kind) {
        FakeRestoreProvider p =
                provider().failStart(new ProviderException(kind, "SomeCode", "the provider said no", null));
        RestoreService s = service(p);
        RestoreService.Submitted sub = s.submit(request(name(), false, "{\"atLeast\": 1}"), T0);

        RestoreRun run = s.advance(sub.runId(), T0, PLENTY);

        if (kind.retryable()) {
            assertThat(run.state()).isEqualTo(RestoreState.REQUESTED);
            assertThat(run.attempts()).isEqualTo(1);
            assertThat(run.lastError()).isEqualTo("SomeCode: the provider said no");
        } else {
            assertThat(run.state()).isEqualTo(RestoreState.FAILED);
            assertThat(run.failureReason()).isEqualTo("SomeCode: the provider said no");
        }
    }

    @ParameterizedTest
    @EnumSource(ProviderError.class)
    void aFailedCleanup_isTriedAgainLater_exactlyWhenItsKindIsRetryable(ProviderError kind) {
        FakeRestoreProvider p =
                provider().failDelete(new ProviderException(kind, "SomeCode", "cannot delete now", null));
        RestoreService s = service(p);
        String name = name();
        RestoreService.Submitted sub = s.submit(request(name, true, "{\"atLeast\": 1}"), T0);
        RestoreRun run = sub.run();
        for (int i = 0; i < 10 && run.state() != RestoreState.VERIFIED; i++) {
            run = s.advance(sub.runId(), T0, PLENTY);
        }
        assertThat(run.state()).isEqualTo(RestoreState.VERIFIED);

        run = s.advance(sub.runId(), T0, PLENTY);

        if (kind.retryable()) {
            assertThat(run.state()).isEqualTo(RestoreState.VERIFIED);
            assertThat(run.attempts()).isEqualTo(1);
        } else {
            assertThat(run.state()).isEqualTo(RestoreState.CLEANUP_FAILED);
            assertThat(run.lastError()).contains("SomeCode: cannot delete now", name);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = ProviderError.class,
            names = {"THROTTLED", "ACCESS_DENIED"})
    void endpoint_providerFault_answersByItsKind_withTheKindAndTheProvidersCode(ProviderError kind) throws Exception {
        FakeRestoreProvider p = provider().whileCheckingName(n -> {
            throw new ProviderException(kind, "SomeCode", "checking " + n, null);
        });
        String name = name();

        RestoreEndpoint.Response r = new RestoreEndpoint(service(p))
                .submit("{\"source\":\"orders-db\",\"latest\":true,\"newName\":\"" + name + "\",\"drill\":true}", T0);

        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.json());
        assertThat(r.status()).isEqualTo(kind.retryable() ? 503 : 502);
        assertThat(json.get("error").asText()).isEqualTo(kind.retryable() ? "PROVIDER_UNAVAILABLE" : "PROVIDER_ERROR");
        assertThat(json.get("kind").asText()).isEqualTo(kind.name());
        assertThat(json.get("code").asText()).isEqualTo("SomeCode");
        assertThat(json.get("message").asText()).isEqualTo("SomeCode: checking " + name);
    }

    // ---- never touch what is not ours

    static RestoreRequest named(String requestId, String name, boolean drill) {
        return RestoreRequest.parse("{\"requestId\":\"" + requestId + "\",\"source\":\"orders-db\","
                + "\"targetTime\":\"2026-11-22T12:00:00Z\",\"newName\":\"" + name + "\",\"drill\":" + drill
                + ",\"verify\":[{\"name\":\"items\",\"sql\":\"select count(*) from restored_items\","
                + "\"expect\":{\"atLeast\":1}}]}");
    }

    static RestoreRun runToEnd(RestoreService s, java.util.UUID runId) {
        RestoreRun run = s.find(runId).orElseThrow();
        for (int i = 0; i < 20 && !run.finished(); i++) {
            run = s.advance(runId, T0.plusSeconds(60L * (i + 1)), PLENTY);
        }
        return run;
    }

    @Test
    void keptRestoreAndDrillRacingForOneName_theDrillIsRefusedNamingIt_andTheKeptDatabaseSurvives() throws Exception {
        String name = name();
        // Both submits pass every check (no run uses the name, no database has it) before either
        // inserts: the kept restore then inserts first, the drill second.
        java.util.concurrent.CyclicBarrier bothChecked = new java.util.concurrent.CyclicBarrier(2);
        java.util.concurrent.CountDownLatch keptInserted = new java.util.concurrent.CountDownLatch(1);
        FakeRestoreProvider p = provider().whileCheckingName(n -> {
            try {
                bothChecked.await(10, java.util.concurrent.TimeUnit.SECONDS);
                if (Thread.currentThread().getName().equals("drill")) {
                    keptInserted.await(10, java.util.concurrent.TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        RestoreService s = service(p);
        java.util.concurrent.atomic.AtomicReference<RestoreService.Submitted> kept =
                new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<Throwable> drillOutcome =
                new java.util.concurrent.atomic.AtomicReference<>();
        Thread keptThread = new Thread(
                () -> {
                    kept.set(s.submit(named("kept-" + name, name, false), T0));
                    keptInserted.countDown();
                },
                "kept");
        Thread drillThread = new Thread(
                () -> {
                    try {
                        s.submit(named("drill-" + name, name, true), T0);
                    } catch (Throwable t) {
                        drillOutcome.set(t);
                    }
                },
                "drill");
        keptThread.start();
        drillThread.start();
        keptThread.join(20_000);
        drillThread.join(20_000);

        assertThat(kept.get().created()).isTrue();
        assertThat(drillOutcome.get())
                .isInstanceOfSatisfying(
                        RestoreRejectedException.class,
                        e -> assertThat(e.error()).isEqualTo(RestoreError.NAME_TAKEN))
                .hasMessageContaining("'" + name + "'");
        assertThat(db.queryLong("select count(*) from restore_runs where new_name = '" + name + "'"))
                .isEqualTo(1);
        RestoreRun keptRun = runToEnd(s, kept.get().runId());
        assertThat(keptRun.state()).isEqualTo(RestoreState.VERIFIED);
        assertThat(p.owner(name)).contains(kept.get().runId());
        assertThat(p.changingCalls()).noneMatch(c -> c.startsWith("delete"));
    }

    @Test
    void drillFailingBecauseItsNameWasTaken_leavesTheTakenDatabaseAlone_andCleansUpNothing() {
        FakeRestoreProvider p = provider();
        RestoreService s = service(p);
        String name = name();
        RestoreService.Submitted drill = s.submit(named("drill-" + name, name, true), T0);
        // Between the drill's submit and its start, a kept restore elsewhere (another deployment's
        // schema) takes the name: its database carries that run's id.
        java.util.UUID keptRun = java.util.UUID.randomUUID();
        p.existing(name, keptRun);

        RestoreRun failed = s.advance(drill.runId(), T0.plusSeconds(60), PLENTY);
        assertThat(failed.state()).isEqualTo(RestoreState.FAILED);
        assertThat(failed.failureReason()).contains("NameTaken", name, "left alone");
        RestoreRun done = s.advance(drill.runId(), T0.plusSeconds(120), PLENTY);

        assertThat(done.state()).isEqualTo(RestoreState.CLEANED_UP);
        assertThat(done.outcome()).isEqualTo(RestoreState.FAILED);
        assertThat(p.owner(name)).contains(keptRun);
        assertThat(s.events(drill.runId()))
                .last()
                .satisfies(e -> assertThat(e.detail())
                        .contains("left " + name + " alone", drill.runId().toString()));
    }

    @Test
    void aDatabaseThatIsNotTheRunsAtProgress_failsTheRun_andIsLeftAlone() {
        FakeRestoreProvider p = provider().progress(new RestoreProgress(State.RESTORING, null, 0, "creating"));
        RestoreService s = service(p);
        String name = name();
        RestoreService.Submitted drill = s.submit(named("drill-" + name, name, true), T0);
        s.advance(drill.runId(), T0.plusSeconds(60), PLENTY);
        // The run's own database is replaced by someone else's under the same name.
        java.util.UUID other = java.util.UUID.randomUUID();
        p.existing(name, other);

        RestoreRun run = s.advance(drill.runId(), T0.plusSeconds(120), PLENTY);
        assertThat(run.state()).isEqualTo(RestoreState.FAILED);
        assertThat(run.failureReason()).contains("not this run's database");
        run = s.advance(drill.runId(), T0.plusSeconds(180), PLENTY);

        assertThat(run.state()).isEqualTo(RestoreState.CLEANED_UP);
        assertThat(p.owner(name)).contains(other);
    }

    // ---- nothing waits or retries forever

    @Test
    void runStillRestoringAtItsDeadline_endsFailedWithTheReason_andTheDrillIsCleanedUp() throws Exception {
        FakeRestoreProvider p = provider().progress(new RestoreProgress(State.RESTORING, null, 0, "creating"));
        RestoreService s = service(p);
        String name = name();
        RestoreRequest r = RestoreRequest.parse("{\"source\":\"orders-db\",\"latest\":true,\"newName\":\"" + name
                + "\",\"drill\":true,\"timeout\":\"PT2H\"}");
        MutableClock clock = new MutableClock(T0);
        RestoreService.Submitted sub = s.submit(r, clock.instant());
        assertThat(sub.run().deadline()).isEqualTo(T0.plus(Duration.ofHours(2)));

        List<RestoreRun> transitions = new ArrayList<>();
        RestoreRun run = s.runToCompletion(
                sub.runId(), clock, clock::advance, Duration.ofHours(3), Duration.ofMinutes(10), transitions::add);

        assertThat(transitions)
                .extracting(RestoreRun::state)
                .containsExactly(RestoreState.RESTORING, RestoreState.FAILED, RestoreState.CLEANED_UP);
        assertThat(run.state()).isEqualTo(RestoreState.CLEANED_UP);
        assertThat(run.outcome()).isEqualTo(RestoreState.FAILED);
        assertThat(run.failureReason())
                .isEqualTo("deadline passed: still RESTORING at " + T0.plus(Duration.ofHours(2)) + " (PT2H after the"
                        + " request)");
        assertThat(transitions.get(1).updatedAt()).isAfterOrEqualTo(T0.plus(Duration.ofHours(2)));
        assertThat(p.exists(name)).isFalse();
        assertThat(p.changingCalls()).last().isEqualTo("delete " + name);
    }

    @Test
    void keptRestorePastItsDeadline_endsFailed_andItsDatabaseIsKept() {
        FakeRestoreProvider p = provider().progress(new RestoreProgress(State.RESTORING, null, 0, "creating"));
        RestoreService s = new RestoreService(p, db.connections(), (d, m) -> {}, Duration.ofMinutes(30));
        String name = name();
        RestoreService.Submitted sub = s.submit(named("kept-" + name, name, false), T0);
        s.advance(sub.runId(), T0.plusSeconds(60), PLENTY);
        assertThat(s.advance(sub.runId(), T0.plus(Duration.ofMinutes(29)), PLENTY)
                        .state())
                .isEqualTo(RestoreState.RESTORING);

        RestoreRun run = s.advance(sub.runId(), T0.plus(Duration.ofMinutes(30)), PLENTY);

        assertThat(run.state()).isEqualTo(RestoreState.FAILED);
        assertThat(run.failureReason()).startsWith("deadline passed: still RESTORING");
        assertThat(run.finished()).isTrue();
        assertThat(p.exists(name)).isTrue();
    }

    @Test
    void cleanupThatKeepsFailing_endsCleanupFailed_namingTheDatabase_andKeepsTheVerifiedOutcome() {
        FakeRestoreProvider p = provider();
        for (int i = 0; i < RestoreService.MAX_ATTEMPTS; i++) {
            p.failDelete(new ProviderException(ProviderError.BUSY, "InvalidDBInstanceState", "instance is busy", null));
        }
        RestoreService s = service(p);
        String name = name();
        RestoreService.Submitted sub = s.submit(named("drill-" + name, name, true), T0);
        RestoreRun run = sub.run();
        int advances = 0;
        while (!run.finished() && advances < 50) {
            run = s.advance(sub.runId(), T0.plusSeconds(60L * ++advances), PLENTY);
        }

        assertThat(run.state()).isEqualTo(RestoreState.CLEANUP_FAILED);
        assertThat(run.outcome()).isEqualTo(RestoreState.VERIFIED);
        assertThat(run.failureReason()).isNull();
        assertThat(run.recoverySeconds()).isNotNull();
        assertThat(run.lastError())
                .contains("could not delete " + name, RestoreService.MAX_ATTEMPTS + " attempt(s)", "instance is busy");
        assertThat(run.finished()).isTrue();
        assertThat(p.changingCalls().stream().filter(c -> c.startsWith("delete")))
                .hasSize(RestoreService.MAX_ATTEMPTS);
        assertThat(s.advance(sub.runId(), T0.plus(Duration.ofDays(1)), PLENTY)).isEqualTo(run);
        assertThat(RestoreEndpoint.runJson(run).get("cleanupError").asText()).contains(name);
        assertThat(published)
                .extracting(Metric::name)
                .containsExactly(MetricNames.RESTORE_RECOVERY_SECONDS, MetricNames.RESTORE_CLEANUP_FAILURES);
    }

    @Test
    void cleanupOfAFailedDrillThatKeepsFailing_endsCleanupFailed_insteadOfLooping() {
        FakeRestoreProvider p = provider().progress(new RestoreProgress(State.FAILED, null, 0, "restore-error"));
        p.failDelete(new ProviderException(ProviderError.ACCESS_DENIED, "AccessDenied", "not allowed to delete", null));
        RestoreService s = service(p);
        String name = name();
        RestoreService.Submitted sub = s.submit(named("drill-" + name, name, true), T0);
        RestoreRun run = sub.run();
        int advances = 0;
        while (!run.finished() && advances < 50) {
            run = s.advance(sub.runId(), T0.plusSeconds(60L * ++advances), PLENTY);
        }

        assertThat(advances).isEqualTo(3); // start, progress (FAILED), one delete that is not retryable
        assertThat(run.state()).isEqualTo(RestoreState.CLEANUP_FAILED);
        assertThat(run.outcome()).isEqualTo(RestoreState.FAILED);
        assertThat(run.failureReason()).isEqualTo("the provider's restore failed: restore-error");
        assertThat(run.lastError()).contains("could not delete " + name, "not allowed to delete");
        // The name is free again for the next drill; the database is the operator's to delete.
        RestoreService.Submitted next = s.submit(named("drill2-" + name, name + "-x", true), T0);
        assertThat(next.created()).isTrue();
    }

    @Test
    void timeoutOutsideItsBounds_isRefusedNamingTheField() {
        java.util.Map<String, String> expected = java.util.Map.of(
                "PT30S", "PT30S must be between PT1M and PT168H",
                "P8D", "PT192H must be between PT1M and PT168H",
                "6h", "'6h' is not an ISO-8601 duration");
        expected.forEach((t, message) -> assertThatThrownBy(() -> RestoreRequest.parse(
                        "{\"source\":\"orders-db\",\"latest\":true,\"newName\":\"x-9\",\"timeout\":\"" + t + "\"}"))
                .isInstanceOfSatisfying(
                        RestoreRejectedException.class,
                        e -> assertThat(e.field()).isEqualTo("timeout"))
                .hasMessageContaining(message));
    }

    @Test
    void timeoutFromEnv_defaultsToSixHours_andNamesTheVariableWhenWrong() {
        assertThat(RestoreService.timeoutFromEnv(new dev.dbre.config.Env(java.util.Map.of())))
                .isEqualTo(Duration.ofHours(6));
        assertThat(RestoreService.timeoutFromEnv(
                        new dev.dbre.config.Env(java.util.Map.of("DBRE_RESTORE_TIMEOUT", "PT90M"))))
                .isEqualTo(Duration.ofMinutes(90));
        assertThatThrownBy(() -> RestoreService.timeoutFromEnv(
                        new dev.dbre.config.Env(java.util.Map.of("DBRE_RESTORE_TIMEOUT", "3 hours"))))
                .hasMessageContaining("DBRE_RESTORE_TIMEOUT");
        assertThatThrownBy(() -> RestoreService.timeoutFromEnv(
                        new dev.dbre.config.Env(java.util.Map.of("DBRE_RESTORE_TIMEOUT", "P30D"))))
                .hasMessageContaining("DBRE_RESTORE_TIMEOUT");
    }

    @Test
    void unknownRun_isRunNotFound() {
        RestoreService s = service(provider());
        assertThatThrownBy(() -> s.advance(java.util.UUID.randomUUID(), T0, PLENTY))
                .isInstanceOfSatisfying(
                        RestoreRejectedException.class,
                        e -> assertThat(e.error()).isEqualTo(RestoreError.RUN_NOT_FOUND));
    }

    // ---- restore from a snapshot ----

    static Snapshot snap(String id, String region, Instant at, SnapshotStatus status, Map<String, String> tags) {
        return new Snapshot(id, "orders-db", region, at, status, tags, -1);
    }

    static Map<String, String> managed(String policy) {
        return Map.of(Snapshot.TAG_MANAGED_BY, Snapshot.MANAGED_BY_VALUE, Snapshot.TAG_POLICY, policy);
    }

    static Map<String, String> managedCopy(String policy) {
        return Map.of(
                Snapshot.TAG_MANAGED_BY,
                Snapshot.MANAGED_BY_VALUE,
                Snapshot.TAG_POLICY,
                policy,
                Snapshot.TAG_COPY_OF,
                "dbre-orders-db-20261122-0000");
    }

    static final Instant DAY1 = Instant.parse("2026-11-21T00:00:00Z");
    static final Instant DAY2 = Instant.parse("2026-11-22T00:00:00Z");
    static final Instant DAY3 = Instant.parse("2026-11-23T00:00:00Z");

    FakeRestoreProvider withSnapshots() {
        return provider()
                .snapshots(
                        "orders-db",
                        null,
                        snap("gold-day1", "eu-west-1", DAY1, SnapshotStatus.AVAILABLE, managed("gold")),
                        snap("gold-day2", "eu-west-1", DAY2, SnapshotStatus.AVAILABLE, managed("gold")),
                        // Newer, but not completed / another policy / not ours: never "the newest of gold".
                        snap("gold-day3", "eu-west-1", DAY3, SnapshotStatus.CREATING, managed("gold")),
                        snap("silver-day3", "eu-west-1", DAY3, SnapshotStatus.AVAILABLE, managed("silver")),
                        snap("rds:orders-db-day3", "eu-west-1", DAY3, SnapshotStatus.AVAILABLE, Map.of()))
                .snapshots(
                        "orders-db",
                        "eu-central-1",
                        snap("copy-day1", "eu-central-1", DAY1, SnapshotStatus.AVAILABLE, managedCopy("gold")),
                        snap("copy-day2", "eu-central-1", DAY2, SnapshotStatus.AVAILABLE, managedCopy("silver")),
                        snap("copy-day3", "eu-central-1", DAY3, SnapshotStatus.COPYING, managedCopy("gold")));
    }

    static RestoreRequest snapshotRequest(String name, boolean drill, String choice) {
        return RestoreRequest.parse("{\"source\":\"orders-db\",\"newName\":\"" + name + "\",\"drill\":" + drill
                + ",\"snapshot\":" + choice + ",\"verify\":[{\"name\":\"items\",\"sql\":"
                + "\"select count(*) from restored_items\",\"expect\":{\"equals\":10}}]}");
    }

    @Test
    void snapshotDrill_newestOfPolicy_restoresTheNewestCompletedSnapshotOfThatPolicy_throughEveryState() {
        FakeRestoreProvider p = withSnapshots();
        RestoreService s = service(p);
        String name = name();

        RestoreService.Submitted sub = s.submit(snapshotRequest(name, true, "{\"newestOfPolicy\":\"gold\"}"), T0);
        RestoreRun run = sub.run();
        Instant now = T0;
        while (!run.finished()) {
            now = now.plusSeconds(60);
            run = s.advance(sub.runId(), now, PLENTY);
        }

        assertThat(run.snapshot()).isEqualTo(new SnapshotRef("gold-day2", "orders-db", "eu-west-1"));
        assertThat(run.snapshotTime()).isEqualTo(DAY2);
        assertThat(run.targetTime()).isNull();
        assertThat(run.state()).isEqualTo(RestoreState.CLEANED_UP);
        assertThat(run.outcome()).isEqualTo(RestoreState.VERIFIED);
        assertThat(run.request().kind()).isEqualTo(RestoreRequest.KIND_SNAPSHOT);
        assertThat(p.changingCalls())
                .containsExactly("startRestoreFromSnapshot gold-day2 eu-west-1 " + name + " {}", "delete " + name);
        assertThat(s.events(sub.runId()).get(0).detail())
                .contains("from snapshot gold-day2 in eu-west-1 taken " + DAY2, "the newest snapshot of policy gold");
        assertThat(RestoreEndpoint.runJson(run).get("snapshot").get("id").asText())
                .isEqualTo("gold-day2");
    }

    @Test
    void snapshotPickedAtSubmit_isRecordedWithTheRun_soALaterStartRestoresTheSameOne() {
        FakeRestoreProvider p = withSnapshots();
        RestoreService s = service(p);
        String name = name();
        RestoreService.Submitted sub = s.submit(snapshotRequest(name, false, "{\"newestOfPolicy\":\"gold\"}"), T0);

        // A newer snapshot of the policy completes before the run's first step.
        p.snapshots(
                "orders-db",
                null,
                snap("gold-day2", "eu-west-1", DAY2, SnapshotStatus.AVAILABLE, managed("gold")),
                snap("gold-day3", "eu-west-1", DAY3, SnapshotStatus.AVAILABLE, managed("gold")));
        s.advance(sub.runId(), T0.plusSeconds(60), PLENTY);

        assertThat(s.find(sub.runId()).orElseThrow().snapshot().id()).isEqualTo("gold-day2");
        assertThat(p.changingCalls()).containsExactly("startRestoreFromSnapshot gold-day2 eu-west-1 " + name + " {}");
    }

    @Test
    void newestCopyInRegion_picksAmongTheCompletedCopiesThere_ofThePolicyWhenGiven() {
        FakeRestoreProvider p = withSnapshots();
        RestoreService s = service(p);

        RestoreRun any = s.submit(snapshotRequest(name(), false, "{\"newestCopyInRegion\":\"eu-central-1\"}"), T0)
                .run();
        RestoreRun gold = s.submit(
                        snapshotRequest(name(), false, "{\"newestCopyInRegion\":\"eu-central-1\",\"policy\":\"gold\"}"),
                        T0)
                .run();

        assertThat(any.snapshot()).isEqualTo(new SnapshotRef("copy-day2", "orders-db", "eu-central-1"));
        assertThat(gold.snapshot()).isEqualTo(new SnapshotRef("copy-day1", "orders-db", "eu-central-1"));
        assertThat(any.request().kind()).isEqualTo(RestoreRequest.KIND_COPY);
        assertThat(p.calls).contains("snapshotsOf orders-db eu-central-1");
    }

    @Test
    void snapshotById_restoresThatOne_evenIfNotOurs() {
        RestoreRun run = service(withSnapshots())
                .submit(snapshotRequest(name(), false, "{\"id\":\"rds:orders-db-day3\"}"), T0)
                .run();

        assertThat(run.snapshot().id()).isEqualTo("rds:orders-db-day3");
    }

    @Test
    void noCompletedSnapshot_isRefusedNamingTheField_andNothingChanges() throws SQLException {
        assertRefusedAt(
                withSnapshots(),
                "{\"newestOfPolicy\":\"bronze\"}",
                RestoreError.SNAPSHOT_NOT_FOUND,
                "snapshot.newestOfPolicy",
                "no completed snapshot of orders-db taken under policy 'bronze'");
        assertRefusedAt(
                withSnapshots(),
                "{\"id\":\"gold-day3\"}",
                RestoreError.SNAPSHOT_NOT_FOUND,
                "snapshot.id",
                "snapshot 'gold-day3' of orders-db is CREATING, not completed");
        assertRefusedAt(
                withSnapshots(),
                "{\"id\":\"no-such\"}",
                RestoreError.SNAPSHOT_NOT_FOUND,
                "snapshot.id",
                "no snapshot 'no-such' of orders-db");
        assertRefusedAt(
                withSnapshots(),
                "{\"newestCopyInRegion\":\"us-east-1\"}",
                RestoreError.SNAPSHOT_NOT_FOUND,
                "snapshot.newestCopyInRegion",
                "no completed copy of orders-db in us-east-1");
    }

    @Test
    void providerWithoutSnapshotRestore_refusesBeforeAnyChange_pointingToPointInTime() throws SQLException {
        assertRefusedAt(
                withSnapshots().withoutSnapshotRestore(),
                "{\"newestOfPolicy\":\"gold\"}",
                RestoreError.UNSUPPORTED,
                "snapshot",
                "cannot restore from a snapshot: use a point-in-time restore");
    }

    @Test
    void snapshotRestoreOfAProductionSource_stillNeedsTheConfirmation() throws SQLException {
        FakeRestoreProvider p = withSnapshots()
                .snapshots(
                        "payments-db",
                        null,
                        new Snapshot(
                                "pay-1", "payments-db", "eu-west-1", DAY1, SnapshotStatus.AVAILABLE, Map.of(), -1));
        assertRefused(
                p,
                "{\"source\":\"payments-db\",\"snapshot\":{\"id\":\"pay-1\"},\"newName\":\"x-snap-prod\"}",
                RestoreError.CONFIRMATION_REQUIRED,
                "production database");
    }

    void assertRefusedAt(FakeRestoreProvider p, String choice, RestoreError code, String field, String message)
            throws SQLException {
        RestoreService s = service(p);
        long rows = runRows();
        assertThatThrownBy(() -> s.submit(snapshotRequest(name(), false, choice), T0))
                .isInstanceOfSatisfying(RestoreRejectedException.class, e -> {
                    assertThat(e.error()).isEqualTo(code);
                    assertThat(e.field()).isEqualTo(field);
                })
                .hasMessageContaining(message);
        assertThat(runRows()).isEqualTo(rows);
        assertThat(p.changingCalls()).isEmpty();
    }
}
