package dev.dbre.gcp.rotation;

import dev.dbre.config.Lazy;
import dev.dbre.gcp.config.GcpEnv;
import dev.dbre.gcp.db.GcpConnections;
import dev.dbre.obs.LogMetricsPublisher;
import dev.dbre.rotation.RotationRunStore;
import dev.dbre.rotation.RotationService;
import dev.dbre.rotation.RotationStrategy;
import java.time.Clock;

/** What the rotation function builds once per instance from {@link RotationConfig}. */
public record RotationComponents(RotationService service, RotationStrategy strategy) {
    /**
     * Built on first use: the configuration first (its errors name the variable before any client
     * is built), then the Secret Manager client.
     */
    static final Lazy<RotationComponents> SHARED = Lazy.of(() -> {
        RotationConfig config = RotationConfig.fromEnv(GcpEnv.system());
        return from(config, SecretManagerClients.store(config.secretManager(), Clock.systemUTC()));
    });

    /** Over {@code store} (tests give one over a local fake). */
    public static RotationComponents from(RotationConfig config, SecretManagerStore store) {
        RotationService service = new RotationService(store, config.rotation())
                .withMetrics(new LogMetricsPublisher(System.out, Clock.systemUTC()));
        if (config.runsDb() != null) {
            // Each step recorded in rotation_runs (the pool connects on first use; a row that
            // cannot be written never fails the step).
            service = service.withRunStore(new RotationRunStore(
                    GcpConnections.pooled(config.runsDb(), () -> store), Clock.systemUTC(), "gcp", null));
        }
        return new RotationComponents(service, config.rotation().strategy());
    }
}
