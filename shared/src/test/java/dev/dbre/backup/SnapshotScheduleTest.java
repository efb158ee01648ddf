package dev.dbre.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.config.ConfigException;
import dev.dbre.port.BackupPolicy;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotProvider;
import dev.dbre.port.SnapshotStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SnapshotScheduleTest {
    static final Instant T0 = Instant.parse("2026-11-24T10:05:00Z");
    static final String REGION = "eu-west-1";
    static final String POLICY = """
            name: gold
            selection: {databases: [orders], region: eu-west-1}
            schedule: hourly
            retention: {hourly: %d, keepAtLeast: 1}
            """;

    final AtomicReference<String> stored = new AtomicReference<>(POLICY.formatted(5));
    final PolicySource source =
            new PolicySource(PolicySource.POLICY, PolicyLocation.parse("s3://cfg/gold.yaml"), location -> stored.get());
    final SnapshotService service = new SnapshotService(
            (dims, metrics) -> {},
            null,
            new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1)),
            d -> {},
            new Random(1));

    SimulatedSnapshotProvider provider() {
        SimulatedSnapshotProvider p = new SimulatedSnapshotProvider(Clock.fixed(T0, ZoneOffset.UTC))
                .addDatabase(new DatabaseRef("orders", "rds-instance", REGION, Map.of(), false));
        BackupPolicy gold = BackupPolicyLoader.parse("t", POLICY.formatted(5));
        for (int h = 1; h <= 4; h++) {
            Instant t = T0.minus(Duration.ofHours(h)).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
            p.addSnapshot(new Snapshot(
                    SnapshotNames.name("orders", t),
                    "orders",
                    REGION,
                    t,
                    SnapshotStatus.AVAILABLE,
                    BackupPlanner.createTags(gold, t),
                    1));
        }
        return p;
    }

    @Test
    void anEditedPolicy_takesEffectAtTheNextTick() {
        SnapshotSchedule schedule = new SnapshotSchedule(source, service, false);
        SimulatedSnapshotProvider provider = provider();
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);

        SnapshotRunSummary first = schedule.tick(provider, null, false, clock);
        assertThat(first.created()).isEqualTo(1);
        assertThat(first.deleted()).isZero();

        stored.set(POLICY.formatted(2)); // keep two hourly snapshots instead of five
        SnapshotRunSummary second = schedule.tick(provider, T0.plusSeconds(60), false, clock);

        assertThat(schedule.policy().retention().hourly()).isEqualTo(2);
        assertThat(second.created()).isZero();
        assertThat(second.deleted()).isEqualTo(3);
    }

    @Test
    void anInvalidEdit_failsTheTickNamingTheField_andChangesNothing() {
        SnapshotSchedule schedule = new SnapshotSchedule(source, service, false);
        SimulatedSnapshotProvider provider = provider();
        stored.set(POLICY.formatted(2).replace("hourly: 2", "hourly: -1"));

        assertThatThrownBy(() -> schedule.tick(provider, T0, false, Clock.systemUTC()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DBRE_BACKUP_POLICY")
                .hasMessageContaining("retention.hourly");
        assertThat(provider.calls()).isEmpty();
        assertThat(schedule.policy().retention().hourly()).isEqualTo(5);
    }

    @Test
    void anInvalidPolicyAtStart_stopsTheFunctionBeforeAnyTick() {
        stored.set("name: gold\n");
        assertThatThrownBy(() -> new SnapshotSchedule(source, service, false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("s3://cfg/gold.yaml");
    }

    @Test
    void aPolicyTheProviderCannotCarryOut_isRefusedBeforeAnyCall() {
        SnapshotSchedule schedule = new SnapshotSchedule(source, service, false);
        SimulatedSnapshotProvider simulated = provider();
        SnapshotProvider noCopies = new ForwardingProvider(simulated) {
            @Override
            public String unsupported(BackupPolicy policy) {
                return "copy: this provider has no cross-region copy";
            }
        };

        assertThatThrownBy(() -> schedule.tick(noCopies, T0, false, Clock.systemUTC()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("policy gold: copy: this provider has no cross-region copy")
                .hasMessageContaining("nothing was changed");
        assertThat(simulated.calls()).isEmpty();
    }

    @Test
    void theProviderIsChosenForThePolicyReadAtThisTick() {
        SnapshotSchedule schedule = new SnapshotSchedule(source, service, false);
        SimulatedSnapshotProvider provider = provider();
        stored.set(POLICY.formatted(3).replace("name: gold", "name: silver"));
        List<String> askedFor = new java.util.ArrayList<>();

        schedule.tick(
                p -> {
                    askedFor.add(p.name());
                    return provider;
                },
                T0,
                true,
                Clock.systemUTC());

        assertThat(askedFor).containsExactly("silver");
    }

    /** Delegates every call (to override one). */
    static class ForwardingProvider implements SnapshotProvider {
        final SnapshotProvider d;

        ForwardingProvider(SnapshotProvider d) {
            this.d = d;
        }

        @Override
        public List<DatabaseRef> listDatabases(String region) {
            return d.listDatabases(region);
        }

        @Override
        public List<Snapshot> listSnapshots(String databaseId, String region) {
            return d.listSnapshots(databaseId, region);
        }

        @Override
        public Snapshot createSnapshot(DatabaseRef database, String name, Map<String, String> tags) {
            return d.createSnapshot(database, name, tags);
        }

        @Override
        public Snapshot copySnapshot(
                Snapshot source, String targetRegion, String kmsKeyId, String name, Map<String, String> tags) {
            return d.copySnapshot(source, targetRegion, kmsKeyId, name, tags);
        }

        @Override
        public void shareSnapshot(Snapshot snapshot, List<String> accountIds) {
            d.shareSnapshot(snapshot, accountIds);
        }

        @Override
        public void deleteSnapshot(Snapshot snapshot) {
            d.deleteSnapshot(snapshot);
        }
    }
}
