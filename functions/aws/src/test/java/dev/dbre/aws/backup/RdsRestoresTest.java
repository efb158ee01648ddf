package dev.dbre.aws.backup;

import static dev.dbre.aws.backup.FakeRds.action;
import static dev.dbre.aws.backup.FakeRds.error;
import static dev.dbre.aws.backup.FakeRds.ok;
import static dev.dbre.testing.ProviderErrors.assertProviderError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.port.ProviderError;
import dev.dbre.port.ProviderException;
import dev.dbre.port.RestoreProgress;
import dev.dbre.port.RestoreProvider;
import dev.dbre.port.RestoreSource;
import dev.dbre.port.RestoreTarget;
import dev.dbre.testing.FakeHttpServer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RdsBackupProvider's restore side through the real SDK client against RDS-shaped XML on 127.0.0.1. */
class RdsRestoresTest {
    /** The run whose id the restored fixtures carry ({@code dbre:restore-run}). */
    static final UUID RUN = UUID.fromString("0b6d3c52-5f0e-4c1a-9a7e-2f4d8e1b7c10");

    static final UUID OTHER_RUN = UUID.fromString("7a4e9f20-1c3b-4d5e-8f60-718293a4b5c6");

    private final FakeRds rds = new FakeRds();
    private final RdsBackupProvider provider = rds.provider();

    static RestoreTarget target(String name) {
        return new RestoreTarget(RUN, name, null);
    }

    /** A fixture of RUN's restore, as another run's. */
    static FakeHttpServer.Reply othersRun(String fixture) {
        return ok(fixture, Map.of(RUN.toString(), OTHER_RUN.toString()));
    }

    @AfterEach
    void stop() {
        rds.close();
    }

    private void noInstance(String id) {
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", id), error(404, "error-db-instance-not-found"));
    }

    /** Answers the next DescribeDBInstances calls for {@code id} with these fixtures, one call each, in order. */
    private void instanceAnswers(String id, String... fixtures) {
        for (String fixture : fixtures) {
            rds.http.once(action("DescribeDBInstances", "DBInstanceIdentifier", id), ok(fixture));
        }
    }

    private void noCluster(String id) {
        rds.http.always(
                action("DescribeDBClusters", "DBClusterIdentifier", id), error(404, "error-db-cluster-not-found"));
    }

    @Test
    void describeSource_ofAnInstance_takesTheWindowFromItsAutomatedBackupAndLatestRestorableTime() {
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", "orders"), ok("describe-db-instance-orders"));
        rds.http.always(
                action("DescribeDBInstanceAutomatedBackups"), ok("describe-db-instance-automated-backups-orders"));

        RestoreSource source = provider.describeSource("orders").orElseThrow();

        assertThat(source.database().id()).isEqualTo("orders");
        assertThat(source.database().production()).isTrue();
        assertThat(source.window().earliest()).isEqualTo(Instant.parse("2026-11-16T22:01:07Z"));
        assertThat(source.window().latest()).isEqualTo(Instant.parse("2026-11-23T21:55:00Z"));
        assertThat(rds.sent("DescribeDBInstanceAutomatedBackups").get(0).form())
                .containsEntry("DBInstanceIdentifier", "orders");
    }

    @Test
    void describeSource_ofAnAuroraCluster_takesEarliestAndLatestRestorableTime() {
        noInstance("billing");
        rds.http.always(action("DescribeDBClusters", "DBClusterIdentifier", "billing"), ok("describe-db-clusters"));

        RestoreSource source = provider.describeSource("billing").orElseThrow();

        assertThat(source.database().kind()).isEqualTo("aurora-cluster");
        assertThat(source.window().earliest()).isEqualTo(Instant.parse("2026-11-09T22:00:00Z"));
        assertThat(source.window().latest()).isEqualTo(Instant.parse("2026-11-23T21:58:00Z"));
    }

    @Test
    void describeSource_ofAClusterStillBeingRestored_hasNoWindow() {
        noInstance("billing-drill");
        rds.http.always(action("DescribeDBClusters"), ok("describe-db-cluster-billing-drill-creating"));

        assertThat(provider.describeSource("billing-drill").orElseThrow().window())
                .isNull();
    }

    @Test
    void describeSource_ofNothing_isEmpty() {
        noInstance("not-there");
        noCluster("not-there");

        assertThat(provider.describeSource("not-there")).isEmpty();
    }

    @Test
    void nameTaken_looksAtInstancesAndClusters() {
        noInstance("free-name");
        noCluster("free-name");
        noInstance("billing");
        rds.http.always(action("DescribeDBClusters", "DBClusterIdentifier", "billing"), ok("describe-db-clusters"));

        assertThat(provider.nameTaken("free-name")).isFalse();
        assertThat(provider.nameTaken("billing")).isTrue();
    }

    @Test
    void startRestore_ofAnInstance_sendsTheTimeOverridesIamAuthAndOurTags() {
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", "orders"), ok("describe-db-instance-orders"));
        rds.http.once(action("RestoreDBInstanceToPointInTime"), ok("restore-db-instance-to-point-in-time"));

        provider.startRestore(
                RUN,
                "orders",
                Instant.parse("2026-11-23T12:30:00Z"),
                "orders-drill",
                Map.of(
                        "instanceClass", "db.t4g.medium",
                        "subnetGroup", "drills",
                        "securityGroups", List.of("sg-0123456789abcdef0"),
                        "parameterGroup", "pg16-drill",
                        "tags", Map.of("team", "dbre")));

        Map<String, String> form =
                rds.sent("RestoreDBInstanceToPointInTime").get(0).form();
        assertThat(form)
                .containsEntry("SourceDBInstanceIdentifier", "orders")
                .containsEntry("TargetDBInstanceIdentifier", "orders-drill")
                .containsEntry("RestoreTime", "2026-11-23T12:30:00Z")
                .containsEntry("DBInstanceClass", "db.t4g.medium")
                .containsEntry("DBSubnetGroupName", "drills")
                .containsEntry("VpcSecurityGroupIds.VpcSecurityGroupId.1", "sg-0123456789abcdef0")
                .containsEntry("DBParameterGroupName", "pg16-drill")
                .containsEntry("EnableIAMDatabaseAuthentication", "true")
                .containsEntry("DeletionProtection", "false")
                .doesNotContainKey("UseLatestRestorableTime");
        assertThat(form.entrySet())
                .anySatisfy(e -> assertThat(e.getValue()).isEqualTo("dbre:restored-from"))
                .anySatisfy(e -> assertThat(e.getValue()).isEqualTo("team"));
        // The run's id is sent in the restore call itself: no moment where the database is untagged.
        String runKey = form.entrySet().stream()
                .filter(e -> e.getValue().equals("dbre:restore-run"))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
        assertThat(form).containsEntry(runKey.replace(".Key", ".Value"), RUN.toString());
    }

    @Test
    void startRestore_toLatest_sendsUseLatestRestorableTimeAndNoTime() {
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", "orders"), ok("describe-db-instance-orders"));
        rds.http.once(action("RestoreDBInstanceToPointInTime"), ok("restore-db-instance-to-point-in-time"));

        provider.startRestore(RUN, "orders", null, "orders-drill", Map.of());

        assertThat(rds.sent("RestoreDBInstanceToPointInTime").get(0).form())
                .containsEntry("UseLatestRestorableTime", "true")
                .doesNotContainKey("RestoreTime");
    }

    @Test
    void startRestore_repeatedForTheSameRun_isHarmless() {
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", "orders"), ok("describe-db-instance-orders"));
        rds.http.always(action("RestoreDBInstanceToPointInTime"), error(400, "error-db-instance-already-exists"));
        noCluster("orders-drill");
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", "orders-drill"),
                ok("describe-db-instance-restored-creating"));

        provider.startRestore(RUN, "orders", null, "orders-drill", Map.of());

        assertThat(rds.sent("RestoreDBInstanceToPointInTime")).hasSize(1);
    }

    @Test
    void startRestore_whenTheNameIsAnotherRunsRestoreOfTheSameSource_isNameTaken() {
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", "orders"), ok("describe-db-instance-orders"));
        rds.http.always(action("RestoreDBInstanceToPointInTime"), error(400, "error-db-instance-already-exists"));
        noCluster("orders-drill");
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", "orders-drill"),
                othersRun("describe-db-instance-restored-creating"));

        assertProviderError(
                () -> provider.startRestore(RUN, "orders", null, "orders-drill", Map.of()),
                ProviderError.ALREADY_EXISTS,
                "NameTaken");
    }

    @Test
    void startRestore_whenTheNameBelongsToAnotherDatabase_failsNotRetryable() {
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", "orders"), ok("describe-db-instance-orders"));
        rds.http.always(action("RestoreDBInstanceToPointInTime"), error(400, "error-db-instance-already-exists"));
        noCluster("orders-drill");
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", "orders-drill"),
                ok("describe-db-instance-unmanaged"));

        assertProviderError(
                () -> provider.startRestore(RUN, "orders", null, "orders-drill", Map.of()),
                ProviderError.ALREADY_EXISTS,
                "NameTaken");
    }

    @Test
    void progress_ofAnInstance_followsItsStatus() {
        noCluster("orders-drill");
        // Each progress reads the instance twice: whose it is, then its status.
        instanceAnswers(
                "orders-drill",
                "describe-db-instance-restored-creating",
                "describe-db-instance-restored-creating",
                "describe-db-instance-restored-available",
                "describe-db-instance-restored-available",
                "describe-db-instance-restored-failed",
                "describe-db-instance-restored-failed");

        RestoreProgress creating = provider.progress(target("orders-drill"));
        RestoreProgress available = provider.progress(target("orders-drill"));
        RestoreProgress failed = provider.progress(target("orders-drill"));

        assertThat(creating.state()).isEqualTo(RestoreProgress.State.RESTORING);
        assertThat(available.state()).isEqualTo(RestoreProgress.State.AVAILABLE);
        assertThat(available.endpointHost()).isEqualTo("orders-drill.abcdefghijkl.us-east-1.rds.amazonaws.com");
        assertThat(available.endpointPort()).isEqualTo(5432);
        assertThat(failed.state()).isEqualTo(RestoreProgress.State.FAILED);
        assertThat(failed.detail()).isEqualTo("incompatible-restore");
    }

    @Test
    void progress_ofAnInstanceThatIsNotTheRuns_isFailed_andChangesNothing() {
        noCluster("orders-drill");
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", "orders-drill"),
                othersRun("describe-db-instance-restored-available"));

        RestoreProgress p = provider.progress(target("orders-drill"));

        assertThat(p.state()).isEqualTo(RestoreProgress.State.FAILED);
        assertThat(p.detail()).contains("not this run's", RUN.toString());
        assertThat(rds.http.requests(r -> !r.form().getOrDefault("Action", "").startsWith("Describe")))
                .isEmpty();
    }

    @Test
    void aurora_restoresTheClusterThenCreatesItsWriterOnceAvailable_thenReportsTheClusterEndpoint() {
        noInstance("billing");
        rds.http.always(action("DescribeDBClusters", "DBClusterIdentifier", "billing"), ok("describe-db-clusters"));
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", "billing-writer"),
                ok("describe-db-instance-billing-writer"));
        rds.http.once(action("RestoreDBClusterToPointInTime"), ok("restore-db-cluster-to-point-in-time"));

        provider.startRestore(RUN, "billing", Instant.parse("2026-11-20T08:00:00Z"), "billing-drill", Map.of());

        Map<String, String> restore =
                rds.sent("RestoreDBClusterToPointInTime").get(0).form();
        assertThat(restore)
                .containsEntry("SourceDBClusterIdentifier", "billing")
                .containsEntry("DBClusterIdentifier", "billing-drill")
                .containsEntry("RestoreToTime", "2026-11-20T08:00:00Z")
                .containsEntry("RestoreType", "full-copy");
        // The writer's class, copied from the source's writer, waits in a tag for CreateDBInstance.
        assertThat(restore.entrySet()).anySatisfy(e -> assertThat(e.getValue()).isEqualTo("db.r6g.xlarge"));
        assertThat(rds.sent("CreateDBInstance")).isEmpty();

        // 1: the cluster is still creating: nothing else to do yet.
        rds.http.once(
                action("DescribeDBClusters", "DBClusterIdentifier", "billing-drill"),
                ok("describe-db-cluster-billing-drill-creating"));
        rds.http.once(
                action("DescribeDBClusters", "DBClusterIdentifier", "billing-drill"),
                ok("describe-db-cluster-billing-drill-creating"));
        rds.http.once(
                action("DescribeDBInstances", "DBInstanceIdentifier", "billing-drill"),
                error(404, "error-db-instance-not-found"));
        assertThat(provider.progress(target("billing-drill")).state()).isEqualTo(RestoreProgress.State.RESTORING);
        assertThat(rds.sent("CreateDBInstance")).isEmpty();

        // 2: the cluster is available without an instance: create the writer.
        rds.http.always(
                action("DescribeDBClusters", "DBClusterIdentifier", "billing-drill"),
                ok("describe-db-cluster-billing-drill-available"));
        rds.http.once(
                action("DescribeDBInstances", "DBInstanceIdentifier", "billing-drill"),
                error(404, "error-db-instance-not-found"));
        rds.http.once(
                action("DescribeDBInstances", "DBInstanceIdentifier", "billing-drill"),
                error(404, "error-db-instance-not-found"));
        rds.http.once(action("CreateDBInstance"), ok("create-db-instance"));
        assertThat(provider.progress(target("billing-drill")).state()).isEqualTo(RestoreProgress.State.RESTORING);
        Map<String, String> create = rds.sent("CreateDBInstance").get(0).form();
        assertThat(create)
                .containsEntry("DBInstanceIdentifier", "billing-drill")
                .containsEntry("DBClusterIdentifier", "billing-drill")
                .containsEntry("Engine", "aurora-postgresql")
                .containsEntry("DBInstanceClass", "db.r6g.xlarge");
        assertThat(create.values()).contains("dbre:restore-run", RUN.toString());

        // 3: the writer is available: the cluster endpoint is the one to verify through.
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", "billing-drill"),
                ok("describe-db-instance-billing-drill-available"));
        RestoreProgress done = provider.progress(target("billing-drill"));
        assertThat(done.state()).isEqualTo(RestoreProgress.State.AVAILABLE);
        assertThat(done.endpointHost()).isEqualTo("billing-drill.cluster-abcdefghijkl.us-east-1.rds.amazonaws.com");
        assertThat(rds.sent("CreateDBInstance")).hasSize(1);
    }

    @Test
    void delete_ofARestoredInstance_skipsTheFinalSnapshot() {
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", "orders-drill"),
                ok("describe-db-instance-restored-available"));
        noCluster("orders-drill");
        rds.http.once(action("DeleteDBInstance"), ok("delete-db-instance"));

        assertThat(provider.delete(target("orders-drill"))).isEqualTo(RestoreProvider.Deletion.DELETED);

        assertThat(rds.sent("DeleteDBInstance").get(0).form())
                .containsEntry("DBInstanceIdentifier", "orders-drill")
                .containsEntry("SkipFinalSnapshot", "true")
                .containsEntry("DeleteAutomatedBackups", "true");
        assertThat(rds.sent("DeleteDBCluster")).isEmpty();
    }

    @Test
    void delete_leavesADatabaseThisToolDidNotRestore() {
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", "orders-drill"),
                ok("describe-db-instance-unmanaged"));
        noCluster("orders-drill");

        assertThat(provider.delete(target("orders-drill"))).isEqualTo(RestoreProvider.Deletion.NOT_OURS);
        assertThat(rds.sent("DeleteDBInstance")).isEmpty();
    }

    @Test
    void delete_leavesADatabaseAnotherRunRestored_evenFromTheSameSource() {
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", "orders-drill"),
                othersRun("describe-db-instance-restored-available"));
        noCluster("orders-drill");

        assertThat(provider.delete(target("orders-drill"))).isEqualTo(RestoreProvider.Deletion.NOT_OURS);
        assertThat(rds.sent("DeleteDBInstance")).isEmpty();
    }

    @Test
    void delete_ofAnAuroraClusterAnotherRunRestored_deletesNeitherItNorItsWriter() {
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", "billing-drill"),
                othersRun("describe-db-instance-billing-drill-available"));
        rds.http.always(
                action("DescribeDBClusters", "DBClusterIdentifier", "billing-drill"),
                othersRun("describe-db-cluster-billing-drill-available"));

        assertThat(provider.delete(target("billing-drill"))).isEqualTo(RestoreProvider.Deletion.NOT_OURS);
        assertThat(rds.sent("DeleteDBInstance")).isEmpty();
        assertThat(rds.sent("DeleteDBCluster")).isEmpty();
    }

    @Test
    void delete_ofSomethingAlreadyGone_succeeds() {
        noInstance("orders-drill");
        noCluster("orders-drill");

        assertThat(provider.delete(target("orders-drill"))).isEqualTo(RestoreProvider.Deletion.ABSENT);

        assertThat(rds.sent("DeleteDBInstance")).isEmpty();
    }

    @Test
    void connect_pointsAtTheRestoredEndpoint_andRefusesBeforeItIsAvailable() {
        noCluster("orders-drill");
        instanceAnswers(
                "orders-drill", "describe-db-instance-restored-creating", "describe-db-instance-restored-available");

        assertThatThrownBy(() -> provider.connect("orders-drill", "app"))
                .isInstanceOfSatisfying(
                        ProviderException.class, e -> assertThat(e.error()).isEqualTo(ProviderError.BUSY));
        assertThat(provider.connect("orders-drill", "app").toString())
                .contains("jdbc:postgresql://orders-drill.abcdefghijkl.us-east-1.rds.amazonaws.com:5432/app")
                .contains("user=verifier");
    }
}
