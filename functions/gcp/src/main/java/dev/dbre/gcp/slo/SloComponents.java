package dev.dbre.gcp.slo;

import com.google.cloud.storage.StorageOptions;
import dev.dbre.config.Env;
import dev.dbre.config.Lazy;
import dev.dbre.db.ConnectionFactoryDataSource;
import dev.dbre.gcp.config.GcpEnv;
import dev.dbre.gcp.db.GcpConnections;
import dev.dbre.gcp.db.GcpDatabaseConfig;
import dev.dbre.obs.LogMetricsPublisher;
import dev.dbre.port.AlertNotifier;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.ReportPublisher;
import dev.dbre.slo.AlertStateStore;
import dev.dbre.slo.SloReportConfig;
import dev.dbre.slo.SloReportConfig.NotifyKind;
import dev.dbre.slo.SloReportConfig.OutKind;
import dev.dbre.slo.SloReportService;
import dev.dbre.slo.data.DatabaseSliData;
import dev.dbre.slo.publish.FolderPublisher;
import dev.dbre.slo.publish.WebhookNotifier;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;

/**
 * What the Google Cloud SLO report function builds once per instance from {@link SloReportConfig}
 * (read at cold start): the database (metric store, functions' records, alert state), the Cloud
 * Storage or folder publisher, the Pub/Sub or webhook notifier, log metrics and the clock. No client
 * is built until the first run.
 */
public final class SloComponents {
    private static final Lazy<SloComponents> SHARED = Lazy.of(() -> fromEnv(GcpEnv.system(), Clock.systemUTC()));

    private final SloReportConfig config;
    private final SloReportService service;
    private final Clock clock;

    public SloComponents(SloReportConfig config, SloReportService service, Clock clock) {
        this.config = config;
        this.service = service;
        this.clock = clock;
    }

    /** @throws dev.dbre.config.ConfigException naming the variable */
    public static SloComponents shared() {
        return SHARED.get();
    }

    /** @throws dev.dbre.config.ConfigException naming the variable that is missing, wrong, or not for Google Cloud */
    public static SloComponents fromEnv(Env env, Clock clock) {
        SloReportConfig config = SloReportConfig.fromEnv(env);
        if (config.out().kind() != OutKind.GCS && config.out().kind() != OutKind.FOLDER) {
            throw SloReportConfig.unsupported(
                    SloReportConfig.OUT, config.out().kind() + " storage", "gs://bucket/prefix");
        }
        if (config.notifyTo() != null
                && config.notifyTo().kind() != NotifyKind.PUBSUB
                && config.notifyTo().kind() != NotifyKind.WEBHOOK) {
            throw SloReportConfig.unsupported(
                    SloReportConfig.NOTIFY,
                    config.notifyTo().kind() + " topics",
                    "a Pub/Sub topic projects/p/topics/t or an https:// webhook");
        }
        ConnectionFactory db = GcpConnections.pooled(GcpDatabaseConfig.fromEnv(env), clock);
        SloReportService service = new SloReportService(
                new DatabaseSliData(new ConnectionFactoryDataSource(db)),
                config.settings(),
                publisher(config),
                notifier(config),
                new AlertStateStore(db),
                new LogMetricsPublisher(System.out, clock),
                clock);
        return new SloComponents(config, service, clock);
    }

    private static ReportPublisher publisher(SloReportConfig config) {
        SloReportConfig.Out out = config.out();
        return out.kind() == OutKind.FOLDER
                ? new FolderPublisher(Path.of(out.prefix()))
                : new GcsReportPublisher(
                        Lazy.of(() -> StorageOptions.http().build().getService()), out.container(), out.prefix());
    }

    private static AlertNotifier notifier(SloReportConfig config) {
        if (config.notifyTo() == null) {
            return AlertNotifier.NONE;
        }
        return config.notifyTo().kind() == NotifyKind.PUBSUB
                ? PubSubNotifier.standard(config.notifyTo().target())
                : new WebhookNotifier(URI.create(config.notifyTo().target()), WebhookNotifier.TIMEOUT);
    }

    public SloReportConfig config() {
        return config;
    }

    public SloReportService service() {
        return service;
    }

    public Clock clock() {
        return clock;
    }
}
