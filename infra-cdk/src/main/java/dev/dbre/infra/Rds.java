package dev.dbre.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;

/**
 * The IAM statements for RDS, in one place. No statement has a wildcard action; the resources are
 * scoped by name prefix and tag as far as RDS authorizes them:
 *
 * <ul>
 *   <li>snapshots are created only from databases carrying the policy's tag ({@code rds:db-tag},
 *       {@code rds:cluster-tag}), only under the name prefix {@value #SNAPSHOT_PREFIX} and only
 *       with the tag {@code dbre:managed-by=dbre} in the request ({@code aws:RequestTag});
 *   <li>snapshots are deleted, shared or copied from only when they carry that tag ({@code
 *       rds:snapshot-tag}, {@code rds:cluster-snapshot-tag});
 *   <li>restores read only the configured sources, create databases only under the configured
 *       name prefix with the tag in the request, and delete only databases under that prefix that
 *       carry the tag.
 * </ul>
 *
 * Describe actions are read-only and their targets are chosen at run time (by tag, from the
 * policy), so they are scoped to the account and the Regions in use, not to names.
 */
final class Rds {
    static final String MANAGED_BY_TAG = "dbre:managed-by";
    static final String MANAGED_BY_VALUE = "dbre";
    /** Every snapshot the function names starts so (docs/backup-policy.md "Names and slots"). */
    static final String SNAPSHOT_PREFIX = "dbre-";

    private Rds() {}

    /** {@code rds-db:connect} as the configured user on the configured database only. */
    static void grantConnect(DbreFunction f, DbreConfig config) {
        grantConnect(f, config.database().resourceId(), config.database().user());
    }

    static void grantConnect(DbreFunction f, String resourceId, String user) {
        Stack s = Stack.of(f);
        f.role()
                .addToPolicy(PolicyStatement.Builder.create()
                        .sid("ConnectAs" + alnum(user))
                        .effect(Effect.ALLOW)
                        .actions(List.of("rds-db:connect"))
                        .resources(List.of("arn:" + s.getPartition() + ":rds-db:" + s.getRegion() + ":" + s.getAccount()
                                + ":dbuser:" + resourceId + "/" + user))
                        .build());
    }

    static String arn(Stack s, String region, String type, String name) {
        return "arn:" + s.getPartition() + ":rds:" + region + ":" + s.getAccount() + ":" + type + ":" + name;
    }

    /** The snapshot function's statements. */
    static List<PolicyStatement> snapshotStatements(Stack s, DbreConfig.Snapshot c) {
        List<String> regions = new ArrayList<>(c.regions().isEmpty() ? List.of(s.getRegion()) : c.regions());
        List<String> all = new ArrayList<>(regions);
        c.copyRegion().ifPresent(all::add);
        List<PolicyStatement> out = new ArrayList<>();
        out.add(statement(
                "DescribeDatabasesAndSnapshots",
                List.of(
                        "rds:DescribeDBInstances",
                        "rds:DescribeDBClusters",
                        "rds:DescribeDBSnapshots",
                        "rds:DescribeDBClusterSnapshots"),
                all.stream()
                        .map(r -> "arn:" + s.getPartition() + ":rds:" + r + ":" + s.getAccount() + ":*")
                        .toList(),
                null));
        out.add(statement(
                "SnapshotTaggedInstances",
                List.of("rds:CreateDBSnapshot"),
                regions.stream().map(r -> arn(s, r, "db", "*")).toList(),
                Map.of("StringEquals", Map.of("rds:db-tag/" + c.databaseTagKey(), c.databaseTagValue()))));
        out.add(statement(
                "SnapshotTaggedClusters",
                List.of("rds:CreateDBClusterSnapshot"),
                regions.stream().map(r -> arn(s, r, "cluster", "*")).toList(),
                Map.of("StringEquals", Map.of("rds:cluster-tag/" + c.databaseTagKey(), c.databaseTagValue()))));
        List<String> ownSnapshots = new ArrayList<>();
        List<String> ownClusterSnapshots = new ArrayList<>();
        for (String r : all) {
            ownSnapshots.add(arn(s, r, "snapshot", SNAPSHOT_PREFIX + "*"));
            ownClusterSnapshots.add(arn(s, r, "cluster-snapshot", SNAPSHOT_PREFIX + "*"));
        }
        List<String> own = new ArrayList<>(ownSnapshots);
        own.addAll(ownClusterSnapshots);
        out.add(statement(
                "CreateAndTagOwnSnapshots",
                List.of(
                        "rds:CreateDBSnapshot",
                        "rds:CreateDBClusterSnapshot",
                        "rds:CopyDBSnapshot",
                        "rds:CopyDBClusterSnapshot",
                        "rds:AddTagsToResource"),
                own,
                Map.of("StringEquals", Map.of("aws:RequestTag/" + MANAGED_BY_TAG, MANAGED_BY_VALUE))));
        out.add(statement(
                "ManageOwnSnapshots",
                List.of("rds:DeleteDBSnapshot", "rds:ModifyDBSnapshotAttribute", "rds:CopyDBSnapshot"),
                ownSnapshots,
                Map.of("StringEquals", Map.of("rds:snapshot-tag/" + MANAGED_BY_TAG, MANAGED_BY_VALUE))));
        out.add(statement(
                "ManageOwnClusterSnapshots",
                List.of(
                        "rds:DeleteDBClusterSnapshot",
                        "rds:ModifyDBClusterSnapshotAttribute",
                        "rds:CopyDBClusterSnapshot"),
                ownClusterSnapshots,
                Map.of("StringEquals", Map.of("rds:cluster-snapshot-tag/" + MANAGED_BY_TAG, MANAGED_BY_VALUE))));
        c.copyKmsKeyArn()
                .ifPresent(key -> out.add(statement(
                        "UseCopyKeyThroughRds",
                        List.of("kms:CreateGrant", "kms:DescribeKey"),
                        List.of(key),
                        Map.of(
                                "StringEquals",
                                Map.of("kms:ViaService", "rds." + c.copyRegion().orElseThrow() + ".amazonaws.com")))));
        return out;
    }

    /**
     * The Regions a restore may create databases in: the stack's, and the snapshot policy's copy
     * Region when there is one (a request for {@code newestCopyInRegion} restores the copy there,
     * docs/restore-request.md).
     */
    static List<String> restoreRegions(Stack s, DbreConfig config) {
        List<String> regions = new ArrayList<>(List.of(s.getRegion()));
        config.snapshot()
                .flatMap(DbreConfig.Snapshot::copyRegion)
                .filter(r -> !regions.contains(r))
                .ifPresent(regions::add);
        return regions;
    }

    /**
     * What a restore submission needs: the source and its restorable window, and the snapshots a
     * request may name, in {@code regions} (read-only).
     */
    static PolicyStatement restoreDescribe(Stack s, List<String> regions) {
        return statement(
                "DescribeDatabases",
                // The snapshot listings: a request for "the newest snapshot of policy P" is resolved
                // to one snapshot when it is submitted.
                List.of(
                        "rds:DescribeDBInstances",
                        "rds:DescribeDBClusters",
                        "rds:DescribeDBInstanceAutomatedBackups",
                        "rds:DescribeDBSnapshots",
                        "rds:DescribeDBClusterSnapshots"),
                each(regions, r -> "arn:" + s.getPartition() + ":rds:" + r + ":" + s.getAccount() + ":*"),
                null);
    }

    /**
     * What advancing a restore needs (the step and drill functions): restore, verify, delete. A
     * point in time is restored from the configured sources in the stack's Region; a snapshot (the
     * product's own only) in any of {@code regions}, where the new database is then created,
     * verified and deleted.
     */
    static List<PolicyStatement> restoreStatements(Stack s, DbreConfig.Restore c, List<String> regions) {
        String region = s.getRegion();
        String prefix = c.newNamePrefix();
        List<PolicyStatement> out = new ArrayList<>();
        out.add(restoreDescribe(s, regions));
        List<String> sources = new ArrayList<>();
        for (String src : c.sources()) {
            sources.add(arn(s, region, "db", src));
            sources.add(arn(s, region, "cluster", src));
        }
        out.add(statement(
                "RestoreFromConfiguredSources",
                List.of("rds:RestoreDBInstanceToPointInTime", "rds:RestoreDBClusterToPointInTime"),
                sources,
                null));
        // A restore from a snapshot: only the snapshots this product made (docs/restore-request.md),
        // here or, for a copy, in the copy Region.
        out.addAll(restoreFromOwnSnapshots(s, regions, "Here"));
        List<String> targets = new ArrayList<>(each(regions, r -> arn(s, r, "db", prefix + "*")));
        targets.addAll(each(regions, r -> arn(s, r, "cluster", prefix + "*")));
        out.add(statement(
                "CreateTaggedRestoredDatabases",
                List.of(
                        "rds:RestoreDBInstanceToPointInTime",
                        "rds:RestoreDBClusterToPointInTime",
                        "rds:RestoreDBInstanceFromDBSnapshot",
                        "rds:RestoreDBClusterFromSnapshot",
                        "rds:CreateDBInstance",
                        "rds:AddTagsToResource"),
                targets,
                Map.of("StringEquals", Map.of("aws:RequestTag/" + MANAGED_BY_TAG, MANAGED_BY_VALUE))));
        // The restore call also names the new database's option, subnet and parameter groups.
        List<String> groups = new ArrayList<>();
        for (String r : regions) {
            groups.addAll(List.of(
                    arn(s, r, "og", "*"),
                    arn(s, r, "subgrp", "*"),
                    arn(s, r, "pg", "*"),
                    arn(s, r, "cluster-pg", "*")));
        }
        out.add(statement(
                "UseGroupsForRestoredDatabases",
                List.of(
                        "rds:RestoreDBInstanceToPointInTime",
                        "rds:RestoreDBClusterToPointInTime",
                        "rds:RestoreDBInstanceFromDBSnapshot",
                        "rds:RestoreDBClusterFromSnapshot",
                        "rds:CreateDBInstance"),
                groups,
                null));
        out.add(statement(
                "DeleteOwnRestoredInstances",
                List.of("rds:DeleteDBInstance"),
                each(regions, r -> arn(s, r, "db", prefix + "*")),
                Map.of("StringEquals", Map.of("rds:db-tag/" + MANAGED_BY_TAG, MANAGED_BY_VALUE))));
        out.add(statement(
                "DeleteOwnRestoredClusters",
                List.of("rds:DeleteDBCluster"),
                each(regions, r -> arn(s, r, "cluster", prefix + "*")),
                Map.of("StringEquals", Map.of("rds:cluster-tag/" + MANAGED_BY_TAG, MANAGED_BY_VALUE))));
        // The verification queries log in to the restored database, whose resource id is new.
        out.add(statement(
                "ConnectToRestoredAsVerifier",
                List.of("rds-db:connect"),
                each(
                        regions,
                        r -> "arn:" + s.getPartition() + ":rds-db:" + r + ":" + s.getAccount() + ":dbuser:*/"
                                + c.verifyUser()),
                null));
        return out;
    }

    /**
     * What a fleet drill needs besides the database it records runs in: it picks the databases of
     * the backup policy (by the policy's tag) and restores each by the drill's kind — to a point in
     * time ({@code pitr}), from the newest own snapshot ({@code snapshot}) or from the newest copy in
     * the copy Region ({@code copy}) — into a new database under the name prefix, verifies it, and
     * deletes it. Sources: only databases carrying the policy's tag and only snapshots this product
     * made ({@value #SNAPSHOT_PREFIX}* carrying {@code dbre:managed-by=dbre}); targets: only names under
     * the prefix with that tag in the request; deletes: only such tagged databases. The policy's
     * Regions and the copy Region, nothing else.
     */
    static List<PolicyStatement> fleetDrillStatements(Stack s, DbreConfig.Snapshot snap, DbreConfig.Restore c) {
        List<String> regions = new ArrayList<>(snap.regions().isEmpty() ? List.of(s.getRegion()) : snap.regions());
        snap.copyRegion().filter(r -> !regions.contains(r)).ifPresent(regions::add);
        String prefix = c.newNamePrefix();
        List<PolicyStatement> out = new ArrayList<>();
        out.add(statement(
                "DescribeFleetAndSnapshots",
                List.of(
                        "rds:DescribeDBInstances",
                        "rds:DescribeDBClusters",
                        "rds:DescribeDBSnapshots",
                        "rds:DescribeDBClusterSnapshots",
                        "rds:DescribeDBInstanceAutomatedBackups"),
                each(regions, r -> "arn:" + s.getPartition() + ":rds:" + r + ":" + s.getAccount() + ":*"),
                null));
        out.add(statement(
                "PointInTimeFromPolicyInstances",
                List.of("rds:RestoreDBInstanceToPointInTime"),
                each(regions, r -> arn(s, r, "db", "*")),
                Map.of("StringEquals", Map.of("rds:db-tag/" + snap.databaseTagKey(), snap.databaseTagValue()))));
        out.add(statement(
                "PointInTimeFromPolicyClusters",
                List.of("rds:RestoreDBClusterToPointInTime"),
                each(regions, r -> arn(s, r, "cluster", "*")),
                Map.of("StringEquals", Map.of("rds:cluster-tag/" + snap.databaseTagKey(), snap.databaseTagValue()))));
        out.addAll(restoreFromOwnSnapshots(s, regions, ""));
        List<String> targets = new ArrayList<>(each(regions, r -> arn(s, r, "db", prefix + "*")));
        targets.addAll(each(regions, r -> arn(s, r, "cluster", prefix + "*")));
        out.add(statement(
                "CreateTaggedDrillDatabases",
                List.of(
                        "rds:RestoreDBInstanceToPointInTime",
                        "rds:RestoreDBClusterToPointInTime",
                        "rds:RestoreDBInstanceFromDBSnapshot",
                        "rds:RestoreDBClusterFromSnapshot",
                        "rds:CreateDBInstance",
                        "rds:AddTagsToResource"),
                targets,
                Map.of("StringEquals", Map.of("aws:RequestTag/" + MANAGED_BY_TAG, MANAGED_BY_VALUE))));
        List<String> groups = new ArrayList<>();
        for (String r : regions) {
            groups.addAll(List.of(
                    arn(s, r, "og", "*"),
                    arn(s, r, "subgrp", "*"),
                    arn(s, r, "pg", "*"),
                    arn(s, r, "cluster-pg", "*")));
        }
        out.add(statement(
                "UseGroupsForDrillDatabases",
                List.of(
                        "rds:RestoreDBInstanceToPointInTime",
                        "rds:RestoreDBClusterToPointInTime",
                        "rds:RestoreDBInstanceFromDBSnapshot",
                        "rds:RestoreDBClusterFromSnapshot",
                        "rds:CreateDBInstance"),
                groups,
                null));
        out.add(statement(
                "DeleteOwnDrillInstances",
                List.of("rds:DeleteDBInstance"),
                each(regions, r -> arn(s, r, "db", prefix + "*")),
                Map.of("StringEquals", Map.of("rds:db-tag/" + MANAGED_BY_TAG, MANAGED_BY_VALUE))));
        out.add(statement(
                "DeleteOwnDrillClusters",
                List.of("rds:DeleteDBCluster"),
                each(regions, r -> arn(s, r, "cluster", prefix + "*")),
                Map.of("StringEquals", Map.of("rds:cluster-tag/" + MANAGED_BY_TAG, MANAGED_BY_VALUE))));
        out.add(statement(
                "ConnectToDrillDatabasesAsVerifier",
                List.of("rds-db:connect"),
                each(
                        regions,
                        r -> "arn:" + s.getPartition() + ":rds-db:" + r + ":" + s.getAccount() + ":dbuser:*/"
                                + c.verifyUser()),
                null));
        // Restoring a copy encrypted under the copy key: RDS creates a grant on it for the new database.
        snap.copyKmsKeyArn()
                .ifPresent(key -> out.add(statement(
                        "UseCopyKeyThroughRds",
                        List.of("kms:CreateGrant", "kms:DescribeKey"),
                        List.of(key),
                        Map.of(
                                "StringEquals",
                                Map.of(
                                        "kms:ViaService",
                                        "rds." + snap.copyRegion().orElseThrow() + ".amazonaws.com")))));
        return out;
    }

    /**
     * Restores from the snapshots this product made only ({@value #SNAPSHOT_PREFIX}* carrying
     * {@code dbre:managed-by=dbre}), instance and cluster, in {@code regions}; {@code sidSuffix}
     * keeps two roles' statement ids apart.
     */
    private static List<PolicyStatement> restoreFromOwnSnapshots(Stack s, List<String> regions, String sidSuffix) {
        return List.of(
                statement(
                        "RestoreFromOwnSnapshots" + sidSuffix,
                        List.of("rds:RestoreDBInstanceFromDBSnapshot"),
                        each(regions, r -> arn(s, r, "snapshot", SNAPSHOT_PREFIX + "*")),
                        Map.of("StringEquals", Map.of("rds:snapshot-tag/" + MANAGED_BY_TAG, MANAGED_BY_VALUE))),
                statement(
                        "RestoreFromOwnClusterSnapshots" + sidSuffix,
                        List.of("rds:RestoreDBClusterFromSnapshot"),
                        each(regions, r -> arn(s, r, "cluster-snapshot", SNAPSHOT_PREFIX + "*")),
                        Map.of(
                                "StringEquals",
                                Map.of("rds:cluster-snapshot-tag/" + MANAGED_BY_TAG, MANAGED_BY_VALUE))));
    }

    private static List<String> each(List<String> regions, java.util.function.Function<String, String> arn) {
        return regions.stream().map(arn).toList();
    }

    private static PolicyStatement statement(
            String sid, List<String> actions, List<String> resources, Map<String, ?> conditions) {
        PolicyStatement.Builder b = PolicyStatement.Builder.create()
                .sid(sid)
                .effect(Effect.ALLOW)
                .actions(actions)
                .resources(resources);
        if (conditions != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> c = (Map<String, Object>) conditions;
            b.conditions(c);
        }
        return b.build();
    }

    static String alnum(String s) {
        return s.replaceAll("[^A-Za-z0-9]", "");
    }
}
