package dev.dbre.aws.backup;

import static dev.dbre.aws.backup.FakeRds.action;
import static dev.dbre.aws.backup.FakeRds.error;
import static dev.dbre.aws.backup.FakeRds.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.port.RestoreProvider;
import dev.dbre.port.SnapshotRef;
import dev.dbre.restore.RestoreProviderContract;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The restore contract against RdsBackupProvider: the real SDK v2 client and RDS-shaped XML on 127.0.0.1. */
class RdsRestoreProviderContractTest extends RestoreProviderContract {
    private static final String NAME = "orders-drill";

    private final FakeRds rds = new FakeRds();
    private final RdsBackupProvider provider = rds.provider();

    @BeforeEach
    void source() {
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", "orders"), ok("describe-db-instance-orders"));
        rds.http.always(
                action("DescribeDBInstanceAutomatedBackups"), ok("describe-db-instance-automated-backups-orders"));
        rds.http.always(action("DescribeDBSnapshots"), ok("describe-db-snapshots-orders"));
        rds.http.always(action("DescribeDBClusterSnapshots"), ok("describe-db-cluster-snapshots-empty"));
    }

    @Override
    protected SnapshotRef snapshot() {
        return new SnapshotRef("dbre-orders-20261122-2200", "orders", "us-east-1");
    }

    @AfterEach
    void stop() {
        rds.close();
    }

    @Override
    protected RestoreProvider provider() {
        return provider;
    }

    @Override
    protected String sourceId() {
        return "orders";
    }

    @Override
    protected String restoreName() {
        return NAME;
    }

    @Override
    protected void arrangeNothingNamed(String name) {
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", name), error(404, "error-db-instance-not-found"));
        rds.http.always(
                action("DescribeDBClusters", "DBClusterIdentifier", name), error(404, "error-db-cluster-not-found"));
        rds.http.always(action("RestoreDBInstanceToPointInTime"), ok("restore-db-instance-to-point-in-time"));
        rds.http.always(action("RestoreDBInstanceFromDBSnapshot"), ok("restore-db-instance-from-db-snapshot"));
    }

    @Override
    protected void arrangeRestoredBy(UUID runId) {
        named(ok("describe-db-instance-restored-creating", Map.of(FakeRds.FIXTURE_RUN, runId.toString())));
        rds.http.always(action("DeleteDBInstance"), ok("delete-db-instance"));
    }

    @Override
    protected void arrangeForeignDatabase() {
        named(ok("describe-db-instance-unmanaged"));
    }

    private void named(dev.dbre.testing.FakeHttpServer.Reply instance) {
        rds.http.always(action("DescribeDBInstances", "DBInstanceIdentifier", NAME), instance);
        rds.http.always(
                action("DescribeDBClusters", "DBClusterIdentifier", NAME), error(404, "error-db-cluster-not-found"));
        rds.http.always(action("RestoreDBInstanceToPointInTime"), error(400, "error-db-instance-already-exists"));
        rds.http.always(action("RestoreDBInstanceFromDBSnapshot"), error(400, "error-db-instance-already-exists"));
    }

    /** Only descriptions and the (refused) restore calls were sent: nothing deleted, tagged or modified. */
    @Override
    protected void assertLeftAlone() {
        assertThat(rds.http.requests(r -> {
                    String a = r.form().getOrDefault("Action", "");
                    return !a.startsWith("Describe")
                            && !a.equals("RestoreDBInstanceToPointInTime")
                            && !a.equals("RestoreDBInstanceFromDBSnapshot");
                }))
                .isEmpty();
    }
}
