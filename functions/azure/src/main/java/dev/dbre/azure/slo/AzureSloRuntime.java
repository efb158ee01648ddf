package dev.dbre.azure.slo;

import com.azure.core.credential.TokenCredential;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.dbre.azure.db.AzureConnections;
import dev.dbre.azure.identity.AzureCredentials;
import dev.dbre.config.Env;
import dev.dbre.config.Lazy;
import dev.dbre.db.ConnectionFactoryDataSource;
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
import java.util.function.Supplier;

/**
 * What the Azure SLO report function builds once per process from {@link SloReportConfig} (read at
 * cold start): the database (metric store, functions' records, alert state; DBRE_DB_*), the Blob
 * Storage or folder publisher, the Event Grid or webhook notifier, the log metrics and the clock. No
 * client is built until the first run.
 */
public final class AzureSloRuntime {
    static final Lazy<AzureSloRuntime> SHARED = Lazy.of(() -> fromEnv(Env.system(), Clock.systemUTC()));

    private final SloReportConfig config;
    private final SloReportService service;
    private final Clock clock;

    public AzureSloRuntime(SloReportConfig config, SloReportService service, Clock clock) {
        this.config = config;
        this.service = service;
        this.clock = clock;
    }

    /** @throws dev.dbre.config.ConfigException naming the variable that is missing, wrong, or not for Azure */
    public static AzureSloRuntime fromEnv(Env env, Clock clock) {
        SloReportConfig config = SloReportConfig.fromEnv(env);
        if (config.out().kind() != OutKind.BLOB && config.out().kind() != OutKind.FOLDER) {
            throw SloReportConfig.unsupported(
                    SloReportConfig.OUT,
                    config.out().kind() + " storage",
                    "https://<account>.blob.core.windows.net/<container>/prefix");
        }
        if (config.notifyTo() != null
                && config.notifyTo().kind() != NotifyKind.EVENT_GRID
                && config.notifyTo().kind() != NotifyKind.WEBHOOK) {
            throw SloReportConfig.unsupported(
                    SloReportConfig.NOTIFY,
                    config.notifyTo().kind() + " topics",
                    "an Event Grid topic endpoint or an https:// webhook");
        }
        Supplier<TokenCredential> credential = AzureCredentials.DEFAULT;
        ConnectionFactory db = AzureConnections.fromEnv(env, clock, credential);
        SloReportService service = new SloReportService(
                new DatabaseSliData(new ConnectionFactoryDataSource(db)),
                config.settings(),
                publisher(config, credential),
                notifier(config, credential, clock),
                new AlertStateStore(db),
                new LogMetricsPublisher(System.out, clock),
                clock);
        return new AzureSloRuntime(config, service, clock);
    }

    private static ReportPublisher publisher(SloReportConfig config, Supplier<TokenCredential> credential) {
        SloReportConfig.Out out = config.out();
        if (out.kind() == OutKind.FOLDER) {
            return new FolderPublisher(Path.of(out.prefix()));
        }
        Supplier<BlobContainerClient> container = Lazy.of(() -> new BlobServiceClientBuilder()
                .endpoint(out.endpoint().toString())
                .credential(credential.get())
                .buildClient()
                .getBlobContainerClient(out.container()));
        return new BlobReportPublisher(container, out.endpoint() + "/" + out.container(), out.prefix());
    }

    private static AlertNotifier notifier(SloReportConfig config, Supplier<TokenCredential> credential, Clock clock) {
        if (config.notifyTo() == null) {
            return AlertNotifier.NONE;
        }
        URI target = URI.create(config.notifyTo().target());
        return config.notifyTo().kind() == NotifyKind.EVENT_GRID
                ? new EventGridNotifier(target, credential, clock)
                : new WebhookNotifier(target, WebhookNotifier.TIMEOUT);
    }

    /** The process-wide instance. @throws dev.dbre.config.ConfigException naming the setting */
    public static AzureSloRuntime shared() {
        return SHARED.get();
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
