package dev.dbre.backup;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.port.BackupPolicy;
import dev.dbre.port.SnapshotProvider;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.Function;

/**
 * The scheduled snapshot function's core, shared by the three clouds: the policy comes from a
 * {@link PolicySource} ({@code DBRE_BACKUP_POLICY}: a file shipped with the function, or an object or
 * parameter), is validated at start-up and read again at every tick, and each tick runs it with the
 * cloud's provider.
 *
 * <p>A tick's time is the schedule's own time when the trigger carries one (EventBridge Scheduler's
 * {@code scheduled-time}, the Timer trigger's schedule status, the Cloud Scheduler message's
 * attribute): a retried or late invocation then plans the same slot and creates nothing new.
 */
public final class SnapshotSchedule {
    /** @deprecated use {@link PolicySource#POLICY}; still read, as a file path */
    @Deprecated
    public static final String POLICY_FILE = PolicySource.POLICY_FILE;
    /** Set to true to plan only (the event's own {@code dryRun} also turns it on). */
    public static final String DRY_RUN = "DBRE_BACKUP_DRY_RUN";

    private final PolicySource source;
    private final SnapshotService service;
    private final boolean dryRun;
    private volatile BackupPolicy policy;

    /** A schedule whose policy is read from {@code source}, once now (to fail early) and at every tick. */
    public SnapshotSchedule(PolicySource source, SnapshotService service, boolean dryRun) {
        this.source = source;
        this.service = service;
        this.dryRun = dryRun;
        this.policy = source.load();
    }

    /** A schedule with a fixed policy (tests, and the command line). */
    public SnapshotSchedule(BackupPolicy policy, SnapshotService service, boolean dryRun) {
        this.source = null;
        this.service = service;
        this.dryRun = dryRun;
        this.policy = policy;
    }

    /**
     * @param readers the stores this cloud reads policies from besides files
     * @throws ConfigException naming the variable when no policy is configured, it cannot be read, or
     *     it is invalid
     */
    public static SnapshotSchedule fromEnv(
            Env env, SnapshotService service, Map<PolicyLocation.Kind, PolicyReader> readers) {
        return new SnapshotSchedule(PolicySource.required(env, readers), service, env.bool(DRY_RUN, false));
    }

    /** As above, reading files only. */
    public static SnapshotSchedule fromEnv(Env env, SnapshotService service) {
        return fromEnv(env, service, Map.of());
    }

    /** The policy as last read. */
    public BackupPolicy policy() {
        return policy;
    }

    /**
     * Reads the policy again (when it has a source) and runs it once. Never throws for provider
     * faults: they are in the summary.
     *
     * @param scheduledTime the schedule's time, or null to use {@code clock}
     * @param dryRunRequested the event asked for a dry run
     * @throws ConfigException when the policy can no longer be read, is now invalid, or asks for what
     *     the provider cannot do ({@link SnapshotProvider#unsupported}); nothing was changed
     */
    public SnapshotRunSummary tick(
            SnapshotProvider provider, Instant scheduledTime, boolean dryRunRequested, Clock clock) {
        return tick(p -> provider, scheduledTime, dryRunRequested, clock);
    }

    /**
     * As above, with the provider chosen for the policy read (a provider that cannot tag its
     * snapshots, Flexible Server, needs the policy's name).
     */
    public SnapshotRunSummary tick(
            Function<BackupPolicy, SnapshotProvider> providerFor,
            Instant scheduledTime,
            boolean dryRunRequested,
            Clock clock) {
        BackupPolicy current = source == null ? policy : source.load();
        policy = current;
        SnapshotProvider provider = providerFor.apply(current);
        String unsupported = provider.unsupported(current);
        if (unsupported != null) {
            throw new ConfigException(
                    source == null ? PolicySource.POLICY : source.variable(),
                    "policy " + current.name() + ": " + unsupported + " (nothing was changed)");
        }
        Clock tickClock = scheduledTime == null ? clock : Clock.fixed(scheduledTime, ZoneOffset.UTC);
        return service.run(current, provider, tickClock, dryRun || dryRunRequested);
    }
}
