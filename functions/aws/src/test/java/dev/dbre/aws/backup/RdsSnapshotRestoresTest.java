package dev.dbre.aws.backup;

import static dev.dbre.aws.backup.FakeRds.action;
import static dev.dbre.aws.backup.FakeRds.error;
import static dev.dbre.aws.backup.FakeRds.ok;
import static dev.dbre.testing.ProviderErrors.assertProviderErrorKind;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.port.ProviderError;
import dev.dbre.port.RestoreProgress;
import dev.dbre.port.RestoreProvider;
import dev.dbre.port.RestoreTarget;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotRef;
import dev.dbre.testing.FakeHttpServer.Recorded;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Restore from a snapshot on RDS and Aurora through the real SDK client against RDS-shaped XML on 127.0.0.1. */
class RdsSnapshotRestoresTest {
    static final UUID RUN = UUID.fromString(FakeRds.FIXTURE_RUN);
    static final SnapshotRef ORDERS_GOLD = new SnapshotRef("dbre-orders-20261122-2200", "orders", "us-east-1");

    private final FakeRds rds = new FakeRds();
    private final RdsBackupProvider provider = rds.provider();

    @AfterEach
    void stop() {
        rds.close();
    }

    private Map<String, String> sentForm(String action) {
        List<Recorded> sent = rds.sent(action);
        assertThat(sent).hasSize(1);
        return sent.get(0).form();
    }

    @Test
    void snapshotsOf_listsTheSourcesDbAndClusterSnapshotsInTheHomeRegion() {
        rds.http.always(action("DescribeDBSnapshots"), ok("describe-db-snapshots-orders"));
        rds.http.always(action("DescribeDBClusterSnapshots"), ok("describe-db-cluster-snapshots-empty"));

        List<Snapshot> list = provider.snapshotsOf("orders", null);

        assertThat(list).extracting(Snapshot::id).contains("dbre-orders-20261122-2200", "rds:orders-2026-11-23-03-10");
        assertThat(FakeRds.region(rds.sent("DescribeDBSnapshots").get(0))).isEqualTo("us-east-1");
        assertThat(rds.sent("DescribeDBSnapshots").get(0).form()).containsEntry("DBInstanceIdentifier", "orders");
    }

    @Test
    void dbSnapshot_isRestoredWithRestoreDBInstanceFromDBSnapshot_itsOverridesIamAuthAndTheRunsTag() {
        rds.http.always(
                action("DescribeDBSnapshots", "DBSnapshotIdentifier", ORDERS_GOLD.id()),
                ok("describe-db-snapshots-orders"));
        rds.http.once(action("RestoreDBInstanceFromDBSnapshot"), ok("restore-db-instance-from-db-snapshot"));

        String ref = provider.startRestoreFromSnapshot(
                RUN,
                ORDERS_GOLD,
                "orders-snap",
                Map.of("instanceClass", "db.t4g.medium", "subnetGroup", "drills", "securityGroups", List.of("sg-1")));

        Map<String, String> form = sentForm("RestoreDBInstanceFromDBSnapshot");
        assertThat(ref).isNull();
        assertThat(form)
                .containsEntry("DBSnapshotIdentifier", "dbre-orders-20261122-2200")
                .containsEntry("DBInstanceIdentifier", "orders-snap")
                .containsEntry("DBInstanceClass", "db.t4g.medium")
                .containsEntry("DBSubnetGroupName", "drills")
                .containsEntry("VpcSecurityGroupIds.VpcSecurityGroupId.1", "sg-1")
                .containsEntry("EnableIAMDatabaseAuthentication", "true")
                .containsEntry("DeletionProtection", "false");
        assertThat(FakeRds.runTag(rds.sent("RestoreDBInstanceFromDBSnapshot").get(0)))
                .isEqualTo(RUN.toString());
        assertThat(rds.sent("RestoreDBInstanceToPointInTime")).isEmpty();
    }

    @Test
    void clusterSnapshot_isRestoredWithRestoreDBClusterFromSnapshot_itsEngine_andTheWritersClassForLater() {
        rds.http.always(action("DescribeDBSnapshots"), error(404, "error-db-snapshot-not-found"));
        rds.http.always(action("DescribeDBClusterSnapshots"), ok("describe-db-cluster-snapshots-billing"));
        rds.http.once(action("RestoreDBClusterFromSnapshot"), ok("restore-db-cluster-from-snapshot"));

        provider.startRestoreFromSnapshot(
                RUN,
                new SnapshotRef("dbre-billing-20261122-2200", "billing", "us-east-1"),
                "billing-snap",
                Map.of("instanceClass", "db.r6g.large"));

        Map<String, String> form = sentForm("RestoreDBClusterFromSnapshot");
        assertThat(form)
                .containsEntry("SnapshotIdentifier", "dbre-billing-20261122-2200")
                .containsEntry("DBClusterIdentifier", "billing-snap")
                .containsEntry("Engine", "aurora-postgresql")
                .containsEntry("EnableIAMDatabaseAuthentication", "true");
        assertThat(form).containsValue(RdsBackupProvider.TAG_INSTANCE_CLASS).containsValue("db.r6g.large");
        assertThat(FakeRds.runTag(rds.sent("RestoreDBClusterFromSnapshot").get(0)))
                .isEqualTo(RUN.toString());
    }

    @Test
    void copyInAnotherRegion_isRestoredThere_andTheRunFollowsAndDeletesItThere() {
        rds.http.always(action("DescribeDBSnapshots"), ok("describe-db-snapshots-orders"));
        rds.http.once(action("RestoreDBInstanceFromDBSnapshot"), ok("restore-db-instance-from-db-snapshot"));
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", "orders-drill"),
                ok("describe-db-instance-restored-creating"));
        rds.http.always(
                action("DescribeDBClusters", "DBClusterIdentifier", "orders-drill"),
                error(404, "error-db-cluster-not-found"));
        rds.http.always(action("DeleteDBInstance"), ok("delete-db-instance"));

        String ref = provider.startRestoreFromSnapshot(
                RUN, new SnapshotRef("dbre-orders-20261122-2200", "orders", "eu-west-1"), "orders-drill", Map.of());
        RestoreTarget target = new RestoreTarget(RUN, "orders-drill", ref);
        RestoreProgress progress = provider.progress(target);
        RestoreProvider.Deletion deleted = provider.delete(target);

        assertThat(ref).isEqualTo("region=eu-west-1");
        assertThat(progress.state()).isEqualTo(RestoreProgress.State.RESTORING);
        assertThat(deleted).isEqualTo(RestoreProvider.Deletion.DELETED);
        assertThat(rds.http.requests()).extracting(FakeRds::region).containsOnly("eu-west-1");
    }

    @Test
    void snapshotNotInItsRegion_isNotFound_andNothingIsRestored() {
        rds.http.always(action("DescribeDBSnapshots"), error(404, "error-db-snapshot-not-found"));
        rds.http.always(action("DescribeDBClusterSnapshots"), error(404, "error-db-cluster-snapshot-not-found"));

        assertProviderErrorKind(
                        () -> provider.startRestoreFromSnapshot(RUN, ORDERS_GOLD, "orders-snap", Map.of()),
                        ProviderError.NOT_FOUND)
                .hasMessageContaining("dbre-orders-20261122-2200");
        assertThat(rds.http.requests(r -> !r.form().getOrDefault("Action", "").startsWith("Describe")))
                .isEmpty();
    }

    @Test
    void clusterSnapshotOfAGoneCluster_withoutAnInstanceClass_isRefusedNamingTheOverride() {
        rds.http.always(action("DescribeDBSnapshots"), error(404, "error-db-snapshot-not-found"));
        rds.http.always(action("DescribeDBClusterSnapshots"), ok("describe-db-cluster-snapshots-billing"));
        rds.http.always(action("DescribeDBClusters"), error(404, "error-db-cluster-not-found"));

        assertProviderErrorKind(
                        () -> provider.startRestoreFromSnapshot(
                                RUN,
                                new SnapshotRef("dbre-billing-20261122-2200", "billing", "us-east-1"),
                                "billing-snap",
                                Map.of()),
                        ProviderError.INVALID_REQUEST)
                .hasMessageContaining("overrides.instanceClass");
        assertThat(rds.sent("RestoreDBClusterFromSnapshot")).isEmpty();
    }
}
