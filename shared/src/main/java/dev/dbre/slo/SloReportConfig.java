package dev.dbre.slo;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The SLO report function's configuration, read once at cold start: where the specs are, where
 * reports go, who is told when an alert starts or stops firing, and which formats are written.
 * Every error names the variable. Which report and notice locations a cloud can use is checked by
 * its wiring ({@link #unsupported}).
 *
 * @param spec DBRE_SLO_SPEC: a file or folder of OpenSLO YAML shipped with the function
 * @param out DBRE_SLO_OUT: where reports go
 * @param notifyTo DBRE_SLO_NOTIFY: who is told of alert changes, or null for no one
 * @param formats DBRE_SLO_FORMATS
 * @param settings how the report is computed; DBRE_SLO_MIN_EVENTS sets its low-traffic minimum
 */
public record SloReportConfig(Path spec, Out out, Notify notifyTo, Set<ReportFormat> formats, ReportSettings settings) {
    public static final String SPEC = "DBRE_SLO_SPEC";
    public static final String OUT = "DBRE_SLO_OUT";
    public static final String NOTIFY = "DBRE_SLO_NOTIFY";
    public static final String FORMATS = "DBRE_SLO_FORMATS";

    public SloReportConfig {
        formats = Set.copyOf(formats);
    }

    /** A configuration with the default report settings. */
    public SloReportConfig(Path spec, Out out, Notify notifyTo, Set<ReportFormat> formats) {
        this(spec, out, notifyTo, formats, ReportSettings.DEFAULTS);
    }

    /** Kinds of report location. */
    public enum OutKind {
        FOLDER,
        S3,
        BLOB,
        GCS
    }

    /**
     * Where reports go.
     *
     * @param container the bucket or container (null for a folder)
     * @param prefix the key prefix inside it, "" or ending in {@code /} (for a folder: the folder)
     * @param endpoint the Blob service URL {@code https://<account>.blob.core.windows.net} (BLOB only)
     */
    public record Out(OutKind kind, String container, String prefix, URI endpoint) {}

    /** Kinds of notice target. */
    public enum NotifyKind {
        SNS,
        EVENT_GRID,
        PUBSUB,
        WEBHOOK
    }

    /** @param target the topic ARN, the Event Grid topic endpoint, {@code projects/p/topics/t}, or the webhook URL */
    public record Notify(NotifyKind kind, String target) {}

    /** @throws ConfigException naming the variable that is missing or wrong */
    public static SloReportConfig fromEnv(Env env) {
        Path spec = Path.of(env.required(SPEC));
        if (!Files.exists(spec)) {
            throw new ConfigException(SPEC, "no such file or folder: " + spec);
        }
        Out out = out(env.required(OUT));
        String notifyText = env.optional(NOTIFY);
        Set<ReportFormat> formats;
        try {
            formats = ReportFormat.parseList(env.string(FORMATS, ReportFormat.ALL));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(FORMATS, e.getMessage());
        }
        return new SloReportConfig(
                spec, out, notifyText == null ? null : notifyTarget(notifyText), formats, ReportSettings.fromEnv(env));
    }

    /**
     * Parses a report location: {@code s3://bucket/prefix}, {@code
     * https://<account>.blob.core.windows.net/<container>/prefix}, {@code gs://bucket/prefix}, or a
     * local folder.
     *
     * @throws ConfigException naming DBRE_SLO_OUT
     */
    public static Out out(String text) {
        if (text.startsWith("s3://") || text.startsWith("gs://")) {
            String rest = text.substring(5);
            int slash = rest.indexOf('/');
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            if (!bucket.matches("[a-z0-9][a-z0-9._-]{1,221}[a-z0-9]")) {
                throw new ConfigException(
                        OUT, "must name a bucket (" + text.substring(0, 5) + "bucket/prefix), was '" + text + "'");
            }
            return new Out(
                    text.startsWith("s3://") ? OutKind.S3 : OutKind.GCS,
                    bucket,
                    prefix(slash < 0 ? "" : rest.substring(slash + 1)),
                    null);
        }
        if (text.startsWith("https://") || text.startsWith("http://")) {
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw new ConfigException(OUT, "is not a URL: " + e.getReason());
            }
            String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
            int slash = path.indexOf('/');
            String container = slash < 0 ? path : path.substring(0, slash);
            if (uri.getHost() == null || container.isEmpty() || uri.getQuery() != null) {
                throw new ConfigException(
                        OUT,
                        "must be https://<account>.blob.core.windows.net/<container>/prefix (no SAS token: the"
                                + " function signs in with its identity), was '" + uri.getScheme() + "://"
                                + uri.getHost() + "/...'");
            }
            URI endpoint = URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
            return new Out(OutKind.BLOB, container, prefix(slash < 0 ? "" : path.substring(slash + 1)), endpoint);
        }
        if (text.contains("://")) {
            throw new ConfigException(
                    OUT, "must be s3://, gs://, an https:// Blob Storage URL or a local folder, was '" + text + "'");
        }
        return new Out(OutKind.FOLDER, null, text, null);
    }

    /**
     * Parses a notice target: an SNS topic ARN, a Pub/Sub topic {@code projects/p/topics/t}, an Event
     * Grid topic endpoint ({@code https://<topic>.<region>-1.eventgrid.azure.net/api/events}) or any
     * other {@code https://} webhook URL.
     *
     * @throws ConfigException naming DBRE_SLO_NOTIFY
     */
    public static Notify notifyTarget(String text) {
        if (text.startsWith("arn:")) {
            if (!text.matches("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?")) {
                throw new ConfigException(
                        NOTIFY, "must be an SNS topic ARN (arn:aws:sns:region:account:topic), was '" + text + "'");
            }
            return new Notify(NotifyKind.SNS, text);
        }
        if (text.startsWith("projects/")) {
            if (!text.matches("projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/topics/[A-Za-z][A-Za-z0-9._~%+-]{2,254}")) {
                throw new ConfigException(
                        NOTIFY, "must be a Pub/Sub topic projects/<project>/topics/<topic>, was '" + text + "'");
            }
            return new Notify(NotifyKind.PUBSUB, text);
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigException(NOTIFY, "is not a URL: " + e.getReason());
        }
        boolean local = "http".equals(uri.getScheme())
                && ("127.0.0.1".equals(uri.getHost()) || "localhost".equals(uri.getHost()));
        if (!"https".equals(uri.getScheme()) && !local || uri.getHost() == null) {
            throw new ConfigException(
                    NOTIFY,
                    "must be an SNS topic ARN, a Pub/Sub topic projects/p/topics/t, or an https:// URL (Event Grid"
                            + " topic or webhook; http only to 127.0.0.1)");
        }
        boolean eventGrid = uri.getHost().toLowerCase(Locale.ROOT).endsWith(".eventgrid.azure.net");
        return new Notify(eventGrid ? NotifyKind.EVENT_GRID : NotifyKind.WEBHOOK, text);
    }

    /**
     * A ConfigException for a location this cloud cannot use (an S3 bucket from Azure, ...).
     *
     * @param variable DBRE_SLO_OUT or DBRE_SLO_NOTIFY
     * @param supported what this cloud accepts, for the message
     */
    public static ConfigException unsupported(String variable, String what, String supported) {
        return new ConfigException(variable, what + " is not supported on this cloud; use " + supported);
    }

    private static String prefix(String p) {
        return p.isEmpty() || p.endsWith("/") ? p : p + "/";
    }
}
