package dev.dbre.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.parse.ParseLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Stage: every ingest event in {@code events/aws}, {@code events/azure} and {@code events/gcp}
 * through the real handler of its trigger, and each cloud's metric store maintenance event through
 * its maintenance function (it rolls up what the events before it stored), one line each. An
 * ingest event runs at the time the platform delivered it ({@link EventTime}). What
 * each stored and rejected is counted with SQL before and after it. The other sample events
 * (restore, rotation, snapshot, drill, SLO report) are not sent here: their own stages do that
 * work, and {@code scripts/invoke} sends any event file.
 */
final class SampleEvents {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> CLOUDS = List.of("aws", "azure", "gcp");

    /** One driver per trigger; the first that {@link SampleEventDriver#handles} a file sends it. */
    static List<SampleEventDriver> drivers() {
        return List.of(
                new AwsDrivers.Kinesis(),
                new AwsDrivers.Http(),
                new LocalAzureDrivers.EventHubs(),
                new LocalAzureDrivers.Http(),
                new LocalGcpDrivers.PubSub(),
                new LocalGcpDrivers.Http(),
                new AwsDrivers.Maintenance(),
                new LocalAzureDrivers.Maintenance(),
                new LocalGcpDrivers.Maintenance());
    }

    private SampleEvents() {}

    static String run(RunContext ctx) throws Exception {
        SampleEventDriver.Target target =
                new SampleEventDriver.Target(ctx.ingest, ctx.metrics, ctx.clock, ctx.functionEnv());
        List<SampleEventDriver> drivers = drivers();
        List<String> missing = new ArrayList<>();
        int sent = 0;
        for (String cloud : CLOUDS) {
            int sentForCloud = 0;
            for (Path file : files(ctx.eventsDir().resolve(cloud))) {
                String name = file.getFileName().toString();
                SampleEventDriver driver = drivers.stream()
                        .filter(d -> d.handles(cloud, name))
                        .findFirst()
                        .orElse(null);
                if (driver == null) {
                    continue; // not an ingest or maintenance event: see the class comment
                }
                DbCounts before = DbCounts.of(ctx.db, null);
                String answer = driver.send(file, driver.replaysAtDelivery() ? atDelivery(ctx, file, target) : target);
                DbCounts added = DbCounts.of(ctx.db, null).minus(before);
                // A maintenance run stores nothing (its rollups and retention move and drop aggregates).
                String line = answer.startsWith("maintenance")
                        ? cloud + "/" + name + ": " + answer
                        : String.format(
                                Locale.ROOT,
                                "%s/%s: %s; stored %,.0f values, %d checks, %d events; rejected %d lines",
                                cloud,
                                name,
                                answer,
                                added.values(),
                                added.checks(),
                                added.events(),
                                added.rejects());
                ctx.detail(line);
                ctx.sampleEvents.add(line);
                sentForCloud++;
            }
            if (sentForCloud == 0) {
                missing.add(cloud);
            }
            sent += sentForCloud;
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("no ingest event was sent for " + missing + " (looked in "
                    + ctx.eventsDir().toAbsolutePath() + ")");
        }
        ctx.figure("sample events", sent + " events of " + CLOUDS.size() + " clouds through their real handlers");
        return sent + " events through their handlers";
    }

    /**
     * {@code target} with a clock starting at the event's delivery time, if it carries one, and an
     * ingest service on that clock (the AWS handlers take the run's): the samples were sent days or
     * years ago, and at today's clock their lines are TOO_OLD.
     */
    private static SampleEventDriver.Target atDelivery(RunContext ctx, Path file, SampleEventDriver.Target target)
            throws IOException {
        Optional<Instant> delivered = EventTime.deliveredAt(JSON.readTree(file.toFile()));
        if (delivered.isEmpty()) {
            return target;
        }
        Clock clock = EventTime.startingAt(delivered.get(), target.clock());
        return new SampleEventDriver.Target(
                new IngestService(ctx.db, ParseLimits.DEFAULTS, ctx.metricStore, clock),
                target.metrics(),
                clock,
                target.functionEnv());
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .toList();
        }
    }
}
