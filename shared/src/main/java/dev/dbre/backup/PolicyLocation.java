package dev.dbre.backup;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a backup policy is kept ({@code DBRE_BACKUP_POLICY}): a file shipped with the function, or
 * an object or parameter that can be edited without a deployment.
 *
 * <table>
 * <caption>Accepted forms</caption>
 * <tr><td>{@code /path/policy.yaml}, {@code file:/path/policy.yaml}</td><td>a file</td></tr>
 * <tr><td>{@code s3://bucket/key}</td><td>an S3 object (AWS)</td></tr>
 * <tr><td>{@code ssm:/name} or {@code ssm:name}</td><td>an SSM Parameter Store parameter (AWS; String or
 * SecureString)</td></tr>
 * <tr><td>{@code https://account.blob.core.windows.net/container/blob}</td><td>an Azure Storage blob
 * (Azure)</td></tr>
 * <tr><td>{@code gs://bucket/object}</td><td>a Cloud Storage object (Google Cloud)</td></tr>
 * </table>
 *
 * @param kind the store
 * @param container the bucket, the storage account's endpoint {@code https://account.blob...} plus
 *     container as {@code endpoint/container}, or null for files and parameters
 * @param name the key, object or blob name, the parameter name, or the file path
 * @param text the location as written (for messages)
 */
public record PolicyLocation(Kind kind, String container, String name, String text) {
    /** The kinds of store, and the cloud module that reads each. */
    public enum Kind {
        FILE("every runtime"),
        S3("the AWS functions"),
        SSM("the AWS functions"),
        AZURE_BLOB("the Azure functions"),
        GCS("the Google Cloud functions");

        private final String readBy;

        Kind(String readBy) {
            this.readBy = readBy;
        }

        /** Which runtime reads this kind (for the error when another one is asked to). */
        public String readBy() {
            return readBy;
        }
    }

    // S3 bucket names: 3-63 lower-case letters, digits, dots and hyphens; GCS allows underscores too.
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]");
    private static final Pattern SSM_NAME = Pattern.compile("/?[A-Za-z0-9_.\\-/]{1,2047}");
    private static final Pattern BLOB_HOST = Pattern.compile("[a-z0-9]{3,24}\\.blob\\.[a-z0-9.-]+");

    /**
     * @throws IllegalArgumentException naming what is wrong with {@code text}
     */
    public static PolicyLocation parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException(
                    "is empty: give a file path, s3://, ssm:, https:// (blob) or gs:// location");
        }
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.startsWith("s3://")) {
            return bucketObject(Kind.S3, t, t.substring(5), "s3://bucket/key");
        }
        if (lower.startsWith("gs://")) {
            return bucketObject(Kind.GCS, t, t.substring(5), "gs://bucket/object");
        }
        if (lower.startsWith("ssm:")) {
            String name = t.substring(4);
            if (!SSM_NAME.matcher(name).matches() || name.contains("//")) {
                throw new IllegalArgumentException(
                        "'" + t + "' is not an SSM parameter: ssm:/path/name (letters, digits, _ . - /)");
            }
            return new PolicyLocation(Kind.SSM, null, name, t);
        }
        if (lower.startsWith("https://")) {
            return blob(t);
        }
        if (lower.startsWith("http://")) {
            throw new IllegalArgumentException("'" + t + "': plain http is refused, use https://");
        }
        if (lower.startsWith("file:")) {
            try {
                return new PolicyLocation(Kind.FILE, null, Path.of(new URI(t)).toString(), t);
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + t + "' is not a file URI (file:/path/policy.yaml)");
            }
        }
        if (lower.matches("[a-z][a-z0-9+.-]*://.*")) {
            throw new IllegalArgumentException(
                    "'" + t + "': unknown scheme; give a file path, s3://, ssm:, https:// (blob) or gs://");
        }
        return new PolicyLocation(Kind.FILE, null, t, t);
    }

    private static PolicyLocation bucketObject(Kind kind, String text, String rest, String shape) {
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' names no object: " + shape);
        }
        String bucket = rest.substring(0, slash);
        if (!BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException("'" + text + "': '" + bucket + "' is not a bucket name");
        }
        return new PolicyLocation(kind, bucket, rest.substring(slash + 1), text);
    }

    private static PolicyLocation blob(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URL: " + e.getReason());
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (!BLOB_HOST.matcher(host).matches()) {
            throw new IllegalArgumentException(
                    "'" + text
                            + "': an https location must be an Azure blob, https://<account>.blob.core.windows.net/<container>/<blob>");
        }
        if (uri.getRawQuery() != null) {
            // A SAS token in configuration is a secret in configuration: the function's identity reads it.
            throw new IllegalArgumentException("'" + uri.getScheme() + "://" + host + uri.getPath()
                    + "?...': no query (SAS token) allowed; grant the function's identity Storage Blob Data Reader");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        int slash = path.indexOf('/', 1);
        if (!path.startsWith("/") || slash < 0 || slash == path.length() - 1) {
            throw new IllegalArgumentException(
                    "'" + text + "' names no blob: https://<account>.blob.core.windows.net/<container>/<blob>");
        }
        String container =
                "https://" + host + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + path.substring(0, slash);
        return new PolicyLocation(Kind.AZURE_BLOB, container, path.substring(slash + 1), text);
    }

    @Override
    public String toString() {
        return text;
    }
}
