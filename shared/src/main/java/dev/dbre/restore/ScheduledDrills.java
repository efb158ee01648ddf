package dev.dbre.restore;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.backup.PolicySource;
import dev.dbre.config.ConfigException;
import dev.dbre.port.BackupPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a drill schedule's tick does, the same on every cloud: the single drill of {@value
 * DrillSchedule#FILE} when that is set ({@link DrillSchedule}), else the fleet drills of the backup
 * policy the snapshot function uses ({@link FleetDrills}; the policy is read again at every tick).
 * The handlers only pass the clock and the invocation's remaining time, and log or return the JSON.
 */
public final class ScheduledDrills {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledDrills.class);

    private final DrillSchedule single;
    private final FleetDrills fleet;
    private final PolicySource policy;

    private ScheduledDrills(DrillSchedule single, FleetDrills fleet, PolicySource policy) {
        this.single = single;
        this.fleet = fleet;
        this.policy = policy;
    }

    /** The one drill of a request file. */
    public static ScheduledDrills single(DrillSchedule drill) {
        return new ScheduledDrills(drill, null, null);
    }

    /** The drills of the databases {@code policy} selects, by its {@code drill} rule. */
    public static ScheduledDrills fleet(FleetDrills fleet, PolicySource policy) {
        return new ScheduledDrills(null, fleet, policy);
    }

    /**
     * One tick. A single drill the service refuses is returned as {@code {"error", "message"}} (the
     * next tick tries again). For the fleet: {@code {"policy", "started": [...], "runs": [...],
     * "failures": [...], "overRto": [{"runId", "database", "kind", "recoverySeconds", "rtoSeconds"}]}}
     * ({@code overRto}: the drills that verified in this tick later than the policy's RTO).
     *
     * @throws ConfigException when the fleet's policy cannot be read or has become invalid (after the
     *     running drills were still advanced and cleaned up: a broken policy must not strand them)
     * @throws RestoreStoreException if the runs table cannot be read or written
     */
    public ObjectNode tick(Clock clock, Duration remaining) {
        if (single != null) {
            try {
                RestoreRun run = single.tick(clock.instant(), remaining);
                LOG.info("drill {} of {}: {}", run.newName(), run.sourceId(), run.state());
                return RestoreEndpoint.runJson(run);
            } catch (RestoreRejectedException e) {
                LOG.warn("drill refused: {}", e.getMessage());
                return JsonNodeFactory.instance
                        .objectNode()
                        .put("error", e.error().name())
                        .put("message", e.getMessage());
            }
        }
        BackupPolicy loaded;
        try {
            loaded = policy.load();
        } catch (ConfigException e) {
            FleetDrills.TickResult r = fleet.tick(List.of(), clock, remaining);
            LOG.error(
                    "fleet drills: {} (advanced {} running drills only)",
                    e.getMessage(),
                    r.advanced().size());
            throw e;
        }
        FleetDrills.TickResult r = fleet.tick(List.of(loaded), clock, remaining);
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("policy", loaded.name());
        if (loaded.drill() == null) {
            out.put("note", "the policy has no drill rule: no drill is started");
        }
        ArrayNode started = out.putArray("started");
        for (FleetDrills.PlannedDrill p : r.started()) {
            started.addObject()
                    .put("database", p.database().id())
                    .put("kind", p.kind().label())
                    .put("newName", p.newName());
        }
        ArrayNode runs = out.putArray("runs");
        r.advanced().forEach(run -> runs.add(RestoreEndpoint.runJson(run)));
        ArrayNode failures = out.putArray("failures");
        r.failures().forEach(failures::add);
        ArrayNode overRto = out.putArray("overRto");
        for (FleetDrills.RtoBreach b : r.overRto()) {
            overRto.addObject()
                    .put("runId", b.runId().toString())
                    .put("database", b.databaseId())
                    .put("kind", b.kind().label())
                    .put("recoverySeconds", b.recoverySeconds())
                    .put("rtoSeconds", b.rto().toMillis() / 1000.0);
        }
        LOG.info("fleet drills {}", out);
        return out;
    }
}
