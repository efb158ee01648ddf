package dev.dbre.aws.backup;

import static dev.dbre.aws.backup.FakeRds.action;
import static dev.dbre.aws.backup.FakeRds.error;
import static dev.dbre.aws.backup.FakeRds.ok;
import static dev.dbre.testing.ProviderErrors.assertProviderError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.port.DatabaseRef;
import dev.dbre.port.ProviderError;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotStatus;
import dev.dbre.testing.FakeHttpServer.Recorded;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RdsBackupProvider's snapshot side through the real SDK client against RDS-shaped XML on 127.0.0.1. */
class RdsSnapshotsTest {
    private static final DatabaseRef ORDERS = new DatabaseRef("orders", "rds-instance", "us-east-1", Map.of(), true);
    private static final DatabaseRef BILLING =
            new DatabaseRef("billing", "aurora-cluster", "us-east-1", Map.of(), false);

    private final FakeRds rds = new FakeRds();
    private final RdsBackupProvider provider = rds.provider();

    @AfterEach
    void stop() {
        rds.close();
    }

    private static Map<String, String> managed(String slot) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("dbre:managed-by", "dbre");
        tags.put("dbre:policy", "gold");
        tags.put("dbre:slot", slot);
        return tags;
    }

    @Test
    void listDatabases_keepsPostgresInstancesAndClusters_notClusterMembersOrOtherEngines() {
        rds.http.always(action("DescribeDBInstances"), ok("describe-db-instances"));
        rds.http.always(action("DescribeDBClusters"), ok("describe-db-clusters"));

        List<DatabaseRef> dbs = provider.listDatabases("us-east-1");

        assertThat(dbs)
                .extracting(DatabaseRef::id, DatabaseRef::kind, DatabaseRef::production)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("orders", "rds-instance", true),
                        org.assertj.core.groups.Tuple.tuple("billing", "aurora-cluster", false));
        assertThat(dbs.get(0).tags()).containsEntry("dbre:backup-policy", "gold");
        assertThat(dbs.get(1).tags()).containsEntry("dbre:backup-policy", "gold");
        assertThat(dbs).allMatch(d -> d.region().equals("us-east-1"));
    }

    @Test
    void listSnapshots_mapsStatusesTimesAndTags_ofInstanceAndClusterSnapshots() {
        rds.http.always(
                action("DescribeDBSnapshots", "DBInstanceIdentifier", "orders"), ok("describe-db-snapshots-orders"));
        rds.http.always(action("DescribeDBClusterSnapshots"), ok("describe-db-cluster-snapshots-empty"));

        List<Snapshot> snaps = provider.listSnapshots("orders", "us-east-1");

        assertThat(snaps)
                .extracting(Snapshot::id, Snapshot::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("dbre-orders-20261122-2200", SnapshotStatus.AVAILABLE),
                        org.assertj.core.groups.Tuple.tuple("rds:orders-2026-11-23-03-10", SnapshotStatus.AVAILABLE),
                        org.assertj.core.groups.Tuple.tuple("dbre-orders-20261123-2200", SnapshotStatus.CREATING));
        assertThat(snaps.get(0).createdAt()).isEqualTo(Instant.parse("2026-11-22T22:00:41.123Z"));
        assertThat(snaps.get(0).managedBy("gold")).isTrue();
        assertThat(snaps.get(1).managedBy("gold")).isFalse();
        // Still creating: RDS reports no time yet, the clock stands in.
        assertThat(snaps.get(2).createdAt()).isEqualTo(FakeRds.CLOCK.instant());
        assertThat(snaps)
                .allMatch(s -> s.databaseId().equals("orders") && s.region().equals("us-east-1"));
        assertThat(rds.sent("DescribeDBClusterSnapshots").get(0).form()).containsEntry("DBClusterIdentifier", "orders");
    }

    @Test
    void createSnapshot_sendsNameAndTagsInOneCall() {
        rds.http.once(action("CreateDBSnapshot"), ok("create-db-snapshot"));

        Snapshot s = provider.createSnapshot(ORDERS, "dbre-orders-20261123-2200", managed("20261123-2200"));

        Map<String, String> form = rds.sent("CreateDBSnapshot").get(0).form();
        assertThat(form)
                .containsEntry("DBInstanceIdentifier", "orders")
                .containsEntry("DBSnapshotIdentifier", "dbre-orders-20261123-2200")
                .containsEntry("Tags.Tag.1.Key", "dbre:managed-by")
                .containsEntry("Tags.Tag.1.Value", "dbre")
                .containsEntry("Tags.Tag.3.Key", "dbre:slot")
                .containsEntry("Tags.Tag.3.Value", "20261123-2200");
        assertThat(s.id()).isEqualTo("dbre-orders-20261123-2200");
        assertThat(s.status()).isEqualTo(SnapshotStatus.CREATING);
        assertThat(s.managedBy("gold")).isTrue();
    }

    @Test
    void createSnapshot_whenTheNameExists_returnsTheExistingSnapshot() {
        rds.http.once(action("CreateDBSnapshot"), error(400, "error-db-snapshot-already-exists"));
        rds.http.once(
                action("DescribeDBSnapshots", "DBSnapshotIdentifier", "dbre-orders-20261123-2200"),
                ok("describe-db-snapshot-existing"));

        Snapshot s = provider.createSnapshot(ORDERS, "dbre-orders-20261123-2200", managed("20261123-2200"));

        assertThat(s.status()).isEqualTo(SnapshotStatus.AVAILABLE);
        assertThat(s.createdAt()).isEqualTo(Instant.parse("2026-11-23T22:00:40Z"));
        assertThat(rds.sent("CreateDBSnapshot")).hasSize(1);
    }

    @Test
    void createSnapshot_whenSomeoneElsesSnapshotHasTheName_returnsItUntaggedSoRetentionNeverDeletesIt() {
        rds.http.once(action("CreateDBSnapshot"), error(400, "error-db-snapshot-already-exists"));
        rds.http.once(action("DescribeDBSnapshots"), ok("describe-db-snapshot-existing-unmanaged"));

        Snapshot s = provider.createSnapshot(ORDERS, "dbre-orders-20261123-2200", managed("20261123-2200"));

        assertThat(s.managedBy("gold")).isFalse();
        assertThat(rds.sent("AddTagsToResource")).isEmpty();
    }

    @Test
    void createSnapshot_ofAuroraCluster_usesTheClusterSnapshotApi() {
        rds.http.once(action("CreateDBClusterSnapshot"), ok("create-db-cluster-snapshot"));

        Snapshot s = provider.createSnapshot(BILLING, "dbre-billing-20261123-2200", managed("20261123-2200"));

        assertThat(rds.sent("CreateDBClusterSnapshot").get(0).form())
                .containsEntry("DBClusterIdentifier", "billing")
                .containsEntry("DBClusterSnapshotIdentifier", "dbre-billing-20261123-2200");
        assertThat(rds.sent("CreateDBSnapshot")).isEmpty();
        assertThat(s.databaseId()).isEqualTo("billing");
        assertThat(s.status()).isEqualTo(SnapshotStatus.CREATING);
    }

    @Test
    void copySnapshot_toAnotherRegion_isSentToTheDestinationWithSourceArnKmsKeyAndPresignedUrl() {
        rds.http.once(
                action("DescribeDBSnapshots", "DBSnapshotIdentifier", "dbre-orders-20261123-2200"),
                ok("describe-db-snapshot-existing"));
        rds.http.once(action("CopyDBSnapshot"), ok("copy-db-snapshot"));
        Snapshot source = new Snapshot(
                "dbre-orders-20261123-2200",
                "orders",
                "us-east-1",
                Instant.parse("2026-11-23T22:00:40Z"),
                SnapshotStatus.AVAILABLE,
                managed("20261123-2200"),
                -1);
        String kms = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        Map<String, String> tags = managed("20261123-2200");
        tags.put("dbre:copy-of", "dbre-orders-20261123-2200");

        Snapshot copy = provider.copySnapshot(source, "eu-west-1", kms, "dbre-orders-20261123-2200", tags);

        Recorded describe = rds.sent("DescribeDBSnapshots").get(0);
        Recorded sent = rds.sent("CopyDBSnapshot").get(0);
        assertThat(FakeRds.region(describe)).isEqualTo("us-east-1");
        assertThat(FakeRds.region(sent)).isEqualTo("eu-west-1");
        Map<String, String> form = sent.form();
        assertThat(form)
                .containsEntry(
                        "SourceDBSnapshotIdentifier",
                        "arn:aws:rds:us-east-1:123456789012:snapshot:dbre-orders-20261123-2200")
                .containsEntry("TargetDBSnapshotIdentifier", "dbre-orders-20261123-2200")
                .containsEntry("KmsKeyId", kms)
                .containsEntry("Tags.Tag.4.Key", "dbre:copy-of");
        // The SDK presigns a CopyDBSnapshot call for the SOURCE Region (RDS fetches the snapshot with it).
        assertThat(form.get("PreSignedUrl"))
                .contains("Action=CopyDBSnapshot")
                .contains("DestinationRegion=eu-west-1")
                .contains("KmsKeyId=")
                .contains("%2Fus-east-1%2Frds%2Faws4_request")
                .contains("X-Amz-Signature=");
        assertThat(copy.region()).isEqualTo("eu-west-1");
        assertThat(copy.status()).isEqualTo(SnapshotStatus.COPYING);
        assertThat(copy.tags()).containsEntry("dbre:source-region", "us-east-1");
    }

    @Test
    void shareSnapshot_addsTheAccountsToTheRestoreAttribute() {
        rds.http.once(action("ModifyDBSnapshotAttribute"), ok("modify-db-snapshot-attribute"));
        rds.http.once(action("DescribeDBSnapshots"), ok("describe-db-snapshot-existing"));
        Snapshot s = new Snapshot(
                "dbre-orders-20261122-2200",
                "orders",
                "us-east-1",
                Instant.EPOCH,
                SnapshotStatus.AVAILABLE,
                Map.of(),
                -1);

        provider.shareSnapshot(s, List.of("210987654321", "111122223333"));

        assertThat(rds.sent("ModifyDBSnapshotAttribute").get(0).form())
                .containsEntry("DBSnapshotIdentifier", "dbre-orders-20261122-2200")
                .containsEntry("AttributeName", "restore")
                .containsEntry("ValuesToAdd.AttributeValue.1", "210987654321")
                .containsEntry("ValuesToAdd.AttributeValue.2", "111122223333");
    }

    @Test
    void deleteSnapshot_ofAKnownClusterSnapshot_usesTheClusterApi() {
        rds.http.always(action("DescribeDBSnapshots"), ok("describe-db-snapshots-empty"));
        rds.http.always(action("DescribeDBClusterSnapshots"), ok("describe-db-cluster-snapshots-billing"));
        rds.http.once(action("DeleteDBClusterSnapshot"), ok("delete-db-cluster-snapshot"));
        Snapshot s = provider.listSnapshots("billing", "us-east-1").get(0);

        provider.deleteSnapshot(s);

        assertThat(rds.sent("DeleteDBClusterSnapshot").get(0).form())
                .containsEntry("DBClusterSnapshotIdentifier", "dbre-billing-20261122-2200");
        assertThat(rds.sent("DeleteDBSnapshot")).isEmpty();
    }

    @Test
    void deleteSnapshot_thatIsAlreadyGone_succeeds() {
        rds.http.always(action("DescribeDBSnapshots"), error(404, "error-db-snapshot-not-found"));
        rds.http.always(action("DescribeDBClusterSnapshots"), error(404, "error-db-cluster-snapshot-not-found"));
        rds.http.always(action("DeleteDBSnapshot"), error(404, "error-db-snapshot-not-found"));
        Snapshot gone = new Snapshot(
                "dbre-orders-20261101-0000",
                "orders",
                "us-east-1",
                Instant.EPOCH,
                SnapshotStatus.AVAILABLE,
                Map.of(),
                -1);

        provider.deleteSnapshot(gone);

        assertThat(rds.sent("DeleteDBSnapshot")).hasSize(1);
    }

    @Test
    void throttling_isARetryableProviderException() {
        rds.http.always(action("CreateDBSnapshot"), error(400, "error-throttling"));

        assertProviderError(
                        () -> provider.createSnapshot(ORDERS, "dbre-orders-20261123-2200", Map.of()),
                        ProviderError.THROTTLED,
                        "Throttling")
                .hasMessageContaining("orders")
                .hasMessageContaining("Rate exceeded");
    }

    @Test
    void requestLimitExceeded_isRetryable() {
        rds.http.always(action("DescribeDBInstances"), error(400, "error-request-limit-exceeded"));

        assertProviderError(() -> provider.listDatabases("us-east-1"), ProviderError.THROTTLED, "RequestLimitExceeded");
    }

    @Test
    void snapshotQuotaExceeded_isNotRetryable_waitingFreesNoSlot() {
        rds.http.always(action("CreateDBSnapshot"), error(400, "error-snapshot-quota-exceeded"));

        assertProviderError(
                () -> provider.createSnapshot(ORDERS, "dbre-orders-20261123-2200", Map.of()),
                ProviderError.QUOTA_EXCEEDED,
                "SnapshotQuotaExceeded");
    }

    @Test
    void aServerError_isRetryable() {
        rds.http.always(action("DescribeDBInstances"), error(500, "error-internal-failure"));
        rds.http.always(action("DescribeDBClusters"), ok("describe-db-clusters"));

        assertProviderError(() -> provider.listDatabases("us-east-1"), ProviderError.UNAVAILABLE, "InternalFailure");
    }

    @Test
    void status_unknownValues_neverBecomeDeletable() {
        assertThat(RdsBackupProvider.status("some-future-status")).isEqualTo(SnapshotStatus.CREATING);
        assertThat(RdsBackupProvider.status(null)).isEqualTo(SnapshotStatus.CREATING);
        assertThat(RdsBackupProvider.status("failed")).isEqualTo(SnapshotStatus.FAILED);
        assertThat(RdsBackupProvider.status("copying")).isEqualTo(SnapshotStatus.COPYING);
    }
}
