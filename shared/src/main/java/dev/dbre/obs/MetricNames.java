package dev.dbre.obs;

/** Every metric name the functions emit, in one place. Namespace: {@value #NAMESPACE}. */
public final class MetricNames {
    public static final String NAMESPACE = "dbre";

    // ingest batch
    public static final String INGEST_RECORDS = "IngestRecords";
    public static final String INGEST_POINTS_STORED = "IngestPointsStored";
    public static final String INGEST_LINES_REJECTED = "IngestLinesRejected";
    /** Fields skipped because their kind of line does not know them (a newer client's). */
    public static final String INGEST_FIELDS_IGNORED = "IngestFieldsIgnored";

    public static final String INGEST_RECORDS_DUPLICATE = "IngestRecordsDuplicate";
    public static final String INGEST_RECORDS_FAILED = "IngestRecordsFailed";
    public static final String INGEST_PARSE_TIME = "IngestParseTime";
    public static final String INGEST_STORE_TIME = "IngestStoreTime";

    // snapshot function (dimensions: function=snapshot, policy=<name>)
    public static final String SNAPSHOTS_CREATED = "SnapshotsCreated";
    public static final String SNAPSHOTS_COPIED = "SnapshotsCopied";
    public static final String SNAPSHOTS_DELETED = "SnapshotsDeleted";
    public static final String SNAPSHOTS_SHARED = "SnapshotsShared";
    public static final String SNAPSHOT_FAILURES = "SnapshotFailures";
    public static final String SNAPSHOT_DATABASES = "SnapshotDatabases";
    public static final String SNAPSHOT_RETRIES = "SnapshotRetries";
    /** Seconds since the newest completed snapshot of the worst-covered database (its backup age). */
    public static final String SNAPSHOT_OLDEST_NEWEST_AGE = "SnapshotOldestNewestAge";

    // PITR restore (dimensions: function=restore, source=<id>)
    /** Request to verified, in seconds: the measured recovery time. */
    public static final String RESTORE_RECOVERY_SECONDS = "RestoreRecoverySeconds";
    /** Restore runs that ended FAILED. */
    public static final String RESTORE_FAILURES = "RestoreFailures";
    /** Drills verified and cleaned up. */
    public static final String DRILLS_COMPLETED = "DrillsCompleted";
    /** Drills whose database could not be deleted (CLEANUP_FAILED: an operator must delete it). */
    public static final String RESTORE_CLEANUP_FAILURES = "RestoreCleanupFailures";

    // fleet drills (dimensions: function=restore, policy=<name>)
    /** Fleet drills that ended FAILED. */
    public static final String DRILL_FAILURES = "DrillFailures";
    /** Fleet drills verified later than the policy's RTO after their request. */
    public static final String DRILLS_OVER_RTO = "DrillsOverRto";

    // recovery point, measured at each snapshot run (dimensions: function=snapshot, policy=<name>)
    /** Seconds of data a restore of the database would lose now, the best way it can be restored (dimension database). */
    public static final String BACKUP_RPO_SECONDS = "BackupRpoSeconds";
    /** Recovery points (per database and kind: pitr, snapshot, copy) over the policy's RPO, or missing. */
    public static final String BACKUPS_OVER_RPO = "BackupsOverRpo";

    // secret rotation (dimensions: function=rotation, step=<createSecret|setSecret|testSecret|finishSecret>;
    // failures also error=<RotationError>)
    /** Rotation steps that succeeded (including a step that found its token already current). */
    public static final String ROTATION_STEPS_COMPLETED = "RotationStepsCompleted";
    /** Rotation steps that failed. */
    public static final String ROTATION_FAILURES = "RotationFailures";
    /** Rotation steps whose row could not be written to {@code rotation_runs} (the step itself stood). */
    public static final String ROTATION_RUNS_NOT_RECORDED = "RotationRunsNotRecorded";

    // metric store maintenance (dimensions: function=maintenance)
    /** Maintenance runs that failed (0 on a run that succeeded, so a missing run shows as missing data). */
    public static final String MAINTENANCE_FAILURES = "MaintenanceFailures";

    // SLO report (dimensions: function=slo-report, slo=<name>, severity=<page|ticket|...>)
    /** Alerts of one SLO and severity that fire at this run (0 when none: an alarm sees it return to 0). */
    public static final String SLO_ALERTS_FIRING = "SloAlertsFiring";

    private MetricNames() {}
}
