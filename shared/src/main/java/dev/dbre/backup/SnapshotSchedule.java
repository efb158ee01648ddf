package dev.dbre.backup;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The scheduled snapshot function's core, shared by the three clouds: the policy is loaded once at
 * start-up from {@value #POLICY_FILE} (a file shipped with the function), and each tick runs it with
 * the cloud's provider.
 *
 * <p>A tick's time is the schedule's own time when the trigger carries one (EventBridge Scheduler's
 * {@code scheduled-time}, the Timer trigger's schedule status, the Cloud Scheduler message's
 * attribute): a retried or late invocation then plans the same slot and creates nothing new.
 */
public final class SnapshotSchedule {
    public static final String POLICY_FILE = "DBRE_BACKUP_POLICY_FILE";
    /** Set to true to plan only (the event's own {@code dryRun} also turns it on). */
    public static final String DRY_RUN = "DBRE_BACKUP_DRY_RUN";

    private final BackupPolicy policy;
    private final SnapshotService service;
    private final boolean dryRun;

    public SnapshotSchedule(BackupPolicy policy, SnapshotService service, boolean dryRun) {
        this.policy = policy;
        this.service = service;
        this.dryRun = dryRun;
    }

    /** @throws ConfigException naming {@value #POLICY_FILE} when unset or when the policy is invalid */
    public static SnapshotSchedule fromEnv(Env env, SnapshotService service) {
        String file = env.required(POLICY_FILE);
        BackupPolicy policy;
        try {
            policy = BackupPolicyLoader.load(Path.of(file));
        } catch (PolicyException | java.io.UncheckedIOException e) {
            throw new ConfigException(POLICY_FILE, e.getMessage());
        }
        return new SnapshotSchedule(policy, service, env.bool(DRY_RUN, false));
    }

    public BackupPolicy policy() {
        return policy;
    }

    /**
     * Runs the policy once. Never throws for provider faults: they are in the summary.
     *
     * @param scheduledTime the schedule's time, or null to use {@code clock}
     * @param dryRunRequested the event asked for a dry run
     */
    public SnapshotRunSummary tick(
            SnapshotProvider provider, Instant scheduledTime, boolean dryRunRequested, Clock clock) {
        Clock tickClock = scheduledTime == null ? clock : Clock.fixed(scheduledTime, ZoneOffset.UTC);
        return service.run(policy, provider, tickClock, dryRun || dryRunRequested);
    }
}
