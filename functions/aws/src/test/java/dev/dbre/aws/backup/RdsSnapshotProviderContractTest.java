package dev.dbre.aws.backup;

import static dev.dbre.aws.backup.FakeRds.action;
import static dev.dbre.aws.backup.FakeRds.error;
import static dev.dbre.aws.backup.FakeRds.ok;

import dev.dbre.backup.SnapshotProviderContract;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.SnapshotProvider;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The snapshot contract against RdsBackupProvider: the real SDK v2 client and RDS-shaped XML on 127.0.0.1. */
class RdsSnapshotProviderContractTest extends SnapshotProviderContract {
    private static final String OURS = "dbre-orders-20261122-2200";
    private static final String NEW = "dbre-orders-20261123-2200";

    private final FakeRds rds = new FakeRds();
    private final RdsBackupProvider provider = rds.provider();

    /** The account as the fixtures describe it: orders, tagged gold, with one snapshot of ours and one automated. */
    @BeforeEach
    void world() {
        rds.http.always(action("DescribeDBInstances"), ok("describe-db-instances"));
        rds.http.always(action("DescribeDBClusters"), ok("describe-db-clusters"));
        rds.http.always(
                action("DescribeDBSnapshots", "DBInstanceIdentifier", "orders"), ok("describe-db-snapshots-orders"));
        rds.http.always(
                action("DescribeDBSnapshots", "DBSnapshotIdentifier", OURS),
                ok("describe-db-snapshot-existing", Map.of(NEW, OURS)));
        rds.http.always(action("DescribeDBSnapshots"), error(404, "error-db-snapshot-not-found"));
        rds.http.always(
                action("DescribeDBClusterSnapshots", "DBClusterIdentifier", "orders"),
                ok("describe-db-cluster-snapshots-empty"));
        rds.http.always(action("DescribeDBClusterSnapshots"), error(404, "error-db-cluster-snapshot-not-found"));
        rds.http.always(
                action("CreateDBSnapshot", "DBInstanceIdentifier", unknownDatabaseId()),
                error(404, "error-db-instance-not-found"));
        rds.http.always(
                action("CreateDBSnapshot", "DBSnapshotIdentifier", OURS),
                error(400, "error-db-snapshot-already-exists"));
        rds.http.always(action("CreateDBSnapshot"), ok("create-db-snapshot"));
        rds.http.always(action("DeleteDBSnapshot", "DBSnapshotIdentifier", OURS), ok("delete-db-snapshot"));
        rds.http.always(action("DeleteDBSnapshot"), error(404, "error-db-snapshot-not-found"));
    }

    @AfterEach
    void stop() {
        rds.close();
    }

    @Override
    protected SnapshotProvider provider() {
        return provider;
    }

    @Override
    protected DatabaseRef database() {
        return new DatabaseRef(
                "orders",
                RdsBackupProvider.RDS_INSTANCE,
                "us-east-1",
                Map.of(SELECTION_TAG, POLICY, "environment", "production"),
                true);
    }

    @Override
    protected String ourSnapshot() {
        return OURS;
    }

    @Override
    protected String othersSnapshot() {
        return "rds:orders-2026-11-23-03-10";
    }

    @Override
    protected String newSnapshotName() {
        return NEW;
    }

    @Override
    protected String goneSnapshotName() {
        return "dbre-orders-20261001-0000";
    }

    @Override
    protected String unknownDatabaseId() {
        return "not-there";
    }

    @Override
    protected boolean arrangeThrottledListing() {
        rds.http.once(action("DescribeDBInstances"), error(400, "error-throttling"));
        return true;
    }

    @Override
    protected boolean arrangeSnapshotQuota() {
        rds.http.once(action("CreateDBSnapshot"), error(400, "error-snapshot-quota-exceeded"));
        return true;
    }
}
