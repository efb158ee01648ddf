package dev.dbre.azure.backup;

import com.azure.core.credential.TokenCredential;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobDownloadContentResponse;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobStorageException;
import dev.dbre.backup.PolicyLocation;
import dev.dbre.backup.PolicyReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Reads a backup policy kept in Azure Blob Storage ({@code DBRE_BACKUP_POLICY=https://<account>.blob
 * .core.windows.net/<container>/<blob>}) through azure-storage-blob, as the function's managed
 * identity (DefaultAzureCredential, built on the first read). The identity needs the RBAC role
 * {@value #ROLE} on the storage account or the container.
 */
public final class BlobPolicyReader implements PolicyReader {
    /** The built-in role that lets the function's identity read the blob. */
    public static final String ROLE = "Storage Blob Data Reader";

    /** A policy is a few kilobytes; anything this large is not one. */
    static final long MAX_BYTES = 1024 * 1024;

    private final Supplier<BlobServiceClientBuilder> builders;
    private final Map<String, BlobServiceClient> clients = new ConcurrentHashMap<>();

    /**
     * @param builders a fresh, authenticated builder per storage account (its endpoint is set here);
     *     tests give one whose pipeline sends to a local server
     */
    public BlobPolicyReader(Supplier<BlobServiceClientBuilder> builders) {
        this.builders = Objects.requireNonNull(builders, "builders");
    }

    /** Reads as {@code credential}, asked for on the first read. */
    public static BlobPolicyReader withCredential(Supplier<TokenCredential> credential) {
        return new BlobPolicyReader(() -> new BlobServiceClientBuilder().credential(credential.get()));
    }

    /**
     * @throws IOException naming the location: the blob or container does not exist, the identity
     *     may not read it (naming the role it needs), or the call failed otherwise
     */
    @Override
    public String read(PolicyLocation location) throws IOException {
        if (location.kind() != PolicyLocation.Kind.AZURE_BLOB) {
            throw new IOException(location + " is not an Azure blob");
        }
        // PolicyLocation keeps "https://account.blob.../container" as the container.
        String container = location.container();
        int slash = container.lastIndexOf('/');
        String account = container.substring(0, slash);
        String containerName = container.substring(slash + 1);
        try {
            BlobServiceClient service = clients.computeIfAbsent(
                    account, a -> builders.get().endpoint(a).buildClient());
            BlobDownloadContentResponse response = service.getBlobContainerClient(containerName)
                    .getBlobClient(location.name())
                    .downloadContentWithResponse(null, null, null, com.azure.core.util.Context.NONE);
            byte[] bytes = response.getValue().toBytes();
            if (bytes.length > MAX_BYTES) {
                throw new IOException(
                        "blob " + location + " is " + bytes.length + " bytes; a policy is at most " + MAX_BYTES);
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (BlobStorageException e) {
            throw describe(location, e);
        } catch (RuntimeException e) {
            // Network faults, or no credential could be found (not a storage answer).
            throw new IOException("could not read blob " + location + ": " + firstLine(e), e);
        }
    }

    private static IOException describe(PolicyLocation location, BlobStorageException e) {
        BlobErrorCode code = e.getErrorCode();
        String codeText = code == null ? "HTTP " + e.getStatusCode() : code.toString();
        if (BlobErrorCode.BLOB_NOT_FOUND.equals(code)) {
            return new IOException("blob " + location + " not found (" + codeText + ")", e);
        }
        if (BlobErrorCode.CONTAINER_NOT_FOUND.equals(code)) {
            return new IOException("container of blob " + location + " not found (" + codeText + ")", e);
        }
        if (BlobErrorCode.RESOURCE_NOT_FOUND.equals(code) || e.getStatusCode() == 404) {
            return new IOException("blob " + location + " not found (" + codeText + ")", e);
        }
        if (BlobErrorCode.AUTHORIZATION_PERMISSION_MISMATCH.equals(code)
                || BlobErrorCode.AUTHORIZATION_FAILURE.equals(code)
                || e.getStatusCode() == 403) {
            return new IOException(
                    "access denied to blob " + location + " (" + codeText + "): grant the function's managed identity"
                            + " the " + ROLE + " role on the storage account or container",
                    e);
        }
        return new IOException(
                "could not read blob " + location + " (HTTP " + e.getStatusCode() + ", " + codeText + ")", e);
    }

    private static String firstLine(RuntimeException e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
