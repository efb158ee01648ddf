package dev.dbre.local;

import dev.dbre.backup.BackupPolicyLoader;
import dev.dbre.backup.DatabaseOutcome;
import dev.dbre.backup.DatabasePlan;
import dev.dbre.backup.KeptSnapshot;
import dev.dbre.backup.PlannedAction;
import dev.dbre.backup.RetryPolicy;
import dev.dbre.backup.RpoMeasurement;
import dev.dbre.backup.SnapshotRunStore;
import dev.dbre.backup.SnapshotRunSummary;
import dev.dbre.backup.SnapshotService;
import dev.dbre.local.backup.LocalBackupProvider;
import dev.dbre.port.BackupPolicy;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.Sleeper;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotProvider;
import dev.dbre.port.SnapshotStatus;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code dbre snapshot --policy FILE [--dry-run] [--json] [--jdbc-url URL]}: runs a backup policy
 * through the same SnapshotService the cloud functions use, against the local provider (base
 * backups and archived WAL of an embedded PostgreSQL), and prints the plan and a summary.
 */
@Command(
        name = "snapshot",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a backup policy (docs/backup-policy.md) against the local provider: takes this slot's base backup of"
                    + " the local database, prunes by the policy's retention, and prints the plan (every action and every"
                    + " snapshot kept, with why) and a summary.",
            "The local database is an embedded PostgreSQL under <home>/source (made on first use, kept between runs)"
                    + " with WAL archiving; snapshots live under <home>/backup, where restore and drill find them."
                    + " Select it in the policy with selection: {databases: [local], region: local} (or by a --tag).",
            "--dry-run starts nothing and changes nothing. Progress goes to stderr, the plan and summary to stdout.",
            "With --jdbc-url the run is recorded in snapshot_runs (password from " + MigrateCommand.ENV_PASSWORD + ").",
            "Retries: " + RetryPolicy.ENV_MAX_ATTEMPTS + ", " + RetryPolicy.ENV_BASE_DELAY_MS + ", "
                    + RetryPolicy.ENV_MAX_DELAY_MS + "."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the plan was carried out (or printed, with --dry-run) without a failure",
            "1:the policy is invalid, or a step failed (the summary says which)",
            "2:usage error"
        })
final class SnapshotCommand implements Callable<Integer> {
    /** Opens the provider a run works against (the local one; tests put a simulated one here). */
    interface ProviderOpener {
        OpenProvider open(SnapshotCommand command);
    }

    /** A provider and what to release after the run. */
    record OpenProvider(SnapshotProvider provider, AutoCloseable resources) {}

    /** Test seam: the provider and clock of the next runs. Production uses the local provider and UTC. */
    static volatile ProviderOpener opener = SnapshotCommand::openLocal;

    static volatile Clock clock = Clock.systemUTC();

    @ParentCommand
    DbreCommand parent;

    @Option(names = "--policy", required = true, paramLabel = "FILE", description = "The backup policy (YAML or JSON).")
    Path policyFile;

    @Option(names = "--dry-run", description = "Print the plan and change nothing (no backup, no deletion, no row).")
    boolean dryRun;

    @Option(names = "--json", description = "Print the summary and the plan as one JSON object instead of lines.")
    boolean json;

    @Option(
            names = "--jdbc-url",
            paramLabel = "URL",
            converter = Databases.UrlConverter.class,
            description = "A migrated database to record the run in (table snapshot_runs); none when absent.")
    String jdbcUrl;

    @Option(
            names = "--user",
            paramLabel = "USER",
            description = "Database user for --jdbc-url (default: the driver's).")
    String user;

    @Mixin
    Home home = new Home();

    @Option(names = "--local-dir", hidden = true, paramLabel = "DIR", description = "Deprecated: --home.")
    Path localDir;

    @Option(
            names = "--source",
            defaultValue = "local",
            paramLabel = "ID",
            description = "The local database's id (default: ${DEFAULT-VALUE}).")
    String source;

    @Option(names = "--database", hidden = true, paramLabel = "ID", description = "Deprecated: --source.")
    String database;

    @Option(
            names = "--tag",
            paramLabel = "KEY=VALUE",
            description = "A tag of the local database, for policies that select by tag (repeatable).")
    Map<String, String> tags = new LinkedHashMap<>();

    /** The home, honouring the deprecated --local-dir. */
    Path homeDir() {
        if (localDir != null) {
            parent.err.println("dbre snapshot: --local-dir is deprecated; use --home");
            return localDir.toAbsolutePath().normalize();
        }
        return home.resolve(parent.env);
    }

    /** The source id, honouring the deprecated --database. */
    String sourceId() {
        if (database != null) {
            parent.err.println("dbre snapshot: --database is deprecated; use --source");
            return database;
        }
        return source;
    }

    @Override
    public Integer call() throws Exception {
        BackupPolicy policy = BackupPolicyLoader.load(policyFile);
        SnapshotRunStore store = jdbcUrl == null
                ? null
                : new SnapshotRunStore(Databases.connectAsConfigured(jdbcUrl, user, parent.env, "snapshot_runs"));
        SnapshotService service = new SnapshotService(
                (dimensions, metrics) -> {}, // the summary printed below carries the same figures
                store,
                RetryPolicy.fromEnv(parent.env),
                Sleeper.SYSTEM,
                new SecureRandom());
        OpenProvider open = opener.open(this);
        SnapshotRunSummary summary;
        try (AutoCloseable ignored = open.resources()) {
            summary = service.run(policy, open.provider(), clock, dryRun);
        }
        if (json) {
            parent.out.println(summary.toJson(true));
        } else {
            print(parent.out, summary);
        }
        return summary.ok() ? DbreCommand.EXIT_OK : DbreCommand.EXIT_FAILURE;
    }

    static OpenProvider openLocal(SnapshotCommand c) {
        Path home = c.homeDir();
        String id = c.sourceId();
        if (c.dryRun) {
            DatabaseRef ref = new DatabaseRef(id, LocalBackupProvider.KIND, LocalBackupProvider.REGION, c.tags, false);
            return new OpenProvider(LocalSnapshotSource.readOnly(home, ref), () -> {});
        }
        c.parent.err.println("starting the local database " + id + " under " + home.resolve("source") + " ...");
        LocalSnapshotSource source = LocalSnapshotSource.open(home, id, c.tags, c.parent.err);
        removeUnfinished(source, c.parent.err);
        return new OpenProvider(new Progress(source.snapshots(), c.parent.err), source);
    }

    /**
     * Removes this database's snapshots that can never be used: CREATING ones (the folder is
     * locked, so no other run is taking them: an interrupted run left them) and FAILED ones (a
     * failed base backup restores nothing; removing the current slot's lets this run take it again).
     */
    private static void removeUnfinished(LocalSnapshotSource source, PrintStream notes) {
        for (Snapshot s : source.provider.listSnapshots(source.database.id(), source.database.region())) {
            if (s.status() == SnapshotStatus.CREATING || s.status() == SnapshotStatus.FAILED) {
                notes.println("removing snapshot " + s.id() + " (" + s.status()
                        + (s.status() == SnapshotStatus.CREATING ? ", left by an interrupted run" : "") + ")");
                source.provider.deleteSnapshot(s);
            }
        }
    }

    /** Says what each change is and how long it took (the base backup is the long wait). */
    private record Progress(SnapshotProvider p, PrintStream notes) implements SnapshotProvider {
        @Override
        public List<DatabaseRef> listDatabases(String region) {
            return p.listDatabases(region);
        }

        @Override
        public List<Snapshot> listSnapshots(String databaseId, String region) {
            return p.listSnapshots(databaseId, region);
        }

        @Override
        public Snapshot createSnapshot(DatabaseRef db, String name, Map<String, String> tags) {
            return timed(
                    "taking snapshot " + name + " of " + db.id() + " (a base backup)",
                    () -> p.createSnapshot(db, name, tags));
        }

        @Override
        public Snapshot copySnapshot(
                Snapshot source, String targetRegion, String kmsKeyId, String name, Map<String, String> tags) {
            return timed(
                    "copying snapshot " + source.id() + " to " + targetRegion,
                    () -> p.copySnapshot(source, targetRegion, kmsKeyId, name, tags));
        }

        @Override
        public void shareSnapshot(Snapshot snapshot, List<String> accountIds) {
            p.shareSnapshot(snapshot, accountIds);
        }

        @Override
        public void deleteSnapshot(Snapshot snapshot) {
            timed("deleting snapshot " + snapshot.id(), () -> {
                p.deleteSnapshot(snapshot);
                return null;
            });
        }

        @Override
        public String unsupported(BackupPolicy policy) {
            return p.unsupported(policy);
        }

        private <T> T timed(String what, java.util.function.Supplier<T> call) {
            notes.println(what + " ...");
            long t0 = System.nanoTime();
            T result = call.get();
            notes.println(what + " ... done in " + LocalRun.seconds(System.nanoTime() - t0));
            return result;
        }
    }

    /** The plan as readable lines (action, database, snapshot, reason), then the outcome. */
    static void print(PrintStream out, SnapshotRunSummary s) {
        out.printf(
                Locale.ROOT,
                "policy %s at %s (slot %s)%s%n",
                s.policy(),
                s.runAt(),
                s.plan().slotStart(),
                s.dryRun() ? ": dry run, nothing changed" : "");
        for (DatabasePlan dp : s.plan().databases()) {
            out.printf(
                    Locale.ROOT,
                    "database %s (%s)%n",
                    dp.database().id(),
                    dp.database().region());
            for (PlannedAction a : dp.actions()) {
                out.printf(
                        Locale.ROOT,
                        "  %-6s %s in %s: %s%n",
                        a.type().name().toLowerCase(Locale.ROOT),
                        a.snapshotId(),
                        a.region(),
                        a.reason());
            }
            for (KeptSnapshot k : dp.kept()) {
                out.printf(
                        Locale.ROOT,
                        "  %-6s %s in %s: %s%n",
                        "keep",
                        k.snapshot().id(),
                        k.snapshot().region(),
                        String.join(
                                ", ", k.reasons().stream().map(Object::toString).toList()));
            }
            for (String note : dp.notes()) {
                out.printf(Locale.ROOT, "  note   %s%n", note);
            }
        }
        if (s.plan().databases().isEmpty()) {
            out.println("no database selected by the policy");
        }
        for (DatabaseOutcome d : s.databases()) {
            for (String f : d.failures()) {
                out.printf(Locale.ROOT, "FAILED %s: %s%n", d.databaseId(), f);
            }
        }
        for (String f : s.failures()) {
            out.printf(Locale.ROOT, "FAILED %s%n", f);
        }
        for (RpoMeasurement m : s.rpo()) {
            out.printf(
                    Locale.ROOT,
                    "rpo    %s %s: %s%s%s%n",
                    m.databaseId(),
                    m.kind().label(),
                    m.lag() == null ? "no recovery point" : m.lag().toSeconds() + " s behind",
                    m.objective() == null ? "" : " (objective " + m.objective().toSeconds() + " s)",
                    m.over() ? " OVER" : "");
        }
        out.printf(
                Locale.ROOT,
                "%s: created %d, copied %d, deleted %d, shared %d, failed %d%n",
                s.dryRun() ? "dry run" : "done",
                s.created(),
                s.copied(),
                s.deleted(),
                s.shared(),
                s.failed());
    }
}
