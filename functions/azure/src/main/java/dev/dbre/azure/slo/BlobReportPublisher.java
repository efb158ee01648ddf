package dev.dbre.azure.slo;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import dev.dbre.port.ReportPublisher;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * Writes report files to a Blob Storage container under a prefix, as the function's managed
 * identity (which needs {@value #ROLE} on the container or account). Blobs are encrypted at rest by
 * the service; an existing blob of the same name is replaced.
 */
public final class BlobReportPublisher implements ReportPublisher {
    public static final String ROLE = "Storage Blob Data Contributor";

    private final Supplier<BlobContainerClient> container;
    private final String url;
    private final String prefix;

    /**
     * @param container the container's client, asked for on the first write
     * @param url the container's URL, for messages and locations
     * @param prefix "" or ending in {@code /}
     */
    public BlobReportPublisher(Supplier<BlobContainerClient> container, String url, String prefix) {
        this.container = container;
        this.url = url;
        this.prefix = prefix;
    }

    /** @throws IOException naming the blob: access denied (with the role), no such container, unreachable */
    @Override
    public String publish(String name, String contentType, byte[] content) throws IOException {
        String blob = prefix + name;
        String where = url + "/" + blob;
        try {
            container
                    .get()
                    .getBlobClient(blob)
                    .uploadWithResponse(
                            new BlobParallelUploadOptions(BinaryData.fromBytes(content))
                                    .setHeaders(new BlobHttpHeaders().setContentType(contentType)),
                            null,
                            com.azure.core.util.Context.NONE);
        } catch (BlobStorageException e) {
            String code = e.getErrorCode() == null
                    ? "HTTP " + e.getStatusCode()
                    : e.getErrorCode() + " (HTTP " + e.getStatusCode() + ")";
            String hint = e.getStatusCode() == 403
                    ? ": grant the function's managed identity the " + ROLE + " role on the container"
                    : e.getStatusCode() == 404 ? ": no such container" : "";
            throw new IOException("could not write blob " + where + ": " + code + hint, e);
        } catch (RuntimeException e) {
            throw new IOException("could not write blob " + where + ": " + e.getMessage(), e);
        }
        return where;
    }

    @Override
    public String toString() {
        return "BlobReportPublisher[" + url + "/" + prefix + "]";
    }
}
