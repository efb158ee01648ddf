package dev.dbre.gcp.backup;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import dev.dbre.backup.PolicyLocation;
import dev.dbre.backup.PolicyReader;
import dev.dbre.config.Lazy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Reads a backup policy from Cloud Storage ({@code DBRE_BACKUP_POLICY=gs://bucket/object}) with
 * the Cloud Storage client ({@code google-cloud-storage}) on its JSON API transport: one {@code GET
 * /download/storage/v1/b/<bucket>/o/<object>?alt=media} per read. The function's service account needs
 * {@value #ROLE} on the bucket (or the object).
 *
 * <p>Why the JSON API, not gRPC: a policy read is one small download per tick, the HTTP client
 * starts faster than a gRPC channel, and it is the transport the tests exercise.
 */
public final class GcsPolicyReader implements PolicyReader {
    /** The role that lets the function read the policy object. */
    public static final String ROLE = "roles/storage.objectViewer";

    private final Supplier<Storage> storage;

    /** @param factory builds the client, on the first read */
    public GcsPolicyReader(Supplier<Storage> factory) {
        this.storage = Lazy.of(factory);
    }

    /** A reader whose client uses Application Default Credentials, built on the first read. */
    public static GcsPolicyReader standard() {
        return new GcsPolicyReader(() -> StorageOptions.http().build().getService());
    }

    /**
     * @throws IOException naming the location: not found (object or bucket), access denied (and the
     *     role to grant), or the service's error
     */
    @Override
    public String read(PolicyLocation location) throws IOException {
        String where = "gs://" + location.container() + "/" + location.name();
        try {
            byte[] bytes = storage.get().readAllBytes(BlobId.of(location.container(), location.name()));
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (StorageException e) {
            throw switch (e.getCode()) {
                case 404 ->
                    new IOException(where + " not found (no such object, or no such bucket): " + e.getMessage(), e);
                case 401, 403 ->
                    new IOException(
                            where + ": access denied; grant the function's service account " + ROLE + " on bucket "
                                    + location.container() + " (" + e.getMessage() + ")",
                            e);
                default ->
                    new IOException(
                            where + ": Cloud Storage error " + (e.getCode() > 0 ? e.getCode() + " " : "")
                                    + e.getMessage(),
                            e);
            };
        }
    }
}
