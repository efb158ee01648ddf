package dev.dbre.gcp.slo;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import dev.dbre.port.ReportPublisher;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * Writes report files to {@code gs://bucket/prefix} with the Cloud Storage client (JSON API), as
 * the function's service account, which needs {@value #ROLE} on the bucket (replacing an object
 * needs delete as well as create). Objects are encrypted at rest by Cloud Storage (or the bucket's
 * default KMS key).
 */
public final class GcsReportPublisher implements ReportPublisher {
    public static final String ROLE = "roles/storage.objectUser";

    private final Supplier<Storage> storage;
    private final String bucket;
    private final String prefix;

    /** @param prefix "" or ending in {@code /} */
    public GcsReportPublisher(Supplier<Storage> storage, String bucket, String prefix) {
        this.storage = storage;
        this.bucket = bucket;
        this.prefix = prefix;
    }

    /** @throws IOException naming the object: permission denied (with the role), no such bucket, unreachable */
    @Override
    public String publish(String name, String contentType, byte[] content) throws IOException {
        String object = prefix + name;
        String where = "gs://" + bucket + "/" + object;
        try {
            storage.get()
                    .create(
                            BlobInfo.newBuilder(BlobId.of(bucket, object))
                                    .setContentType(contentType)
                                    .build(),
                            content);
        } catch (StorageException e) {
            String hint = e.getCode() == 403
                    ? ": grant the function's service account " + ROLE + " on the bucket"
                    : e.getCode() == 404 ? ": no such bucket" : "";
            throw new IOException(
                    "could not write " + where + ": Cloud Storage error " + (e.getCode() > 0 ? e.getCode() + " " : "")
                            + e.getMessage() + hint,
                    e);
        }
        return where;
    }

    @Override
    public String toString() {
        return "GcsReportPublisher[gs://" + bucket + "/" + prefix + "]";
    }
}
