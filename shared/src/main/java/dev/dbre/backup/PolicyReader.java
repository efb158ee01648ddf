package dev.dbre.backup;

import java.io.IOException;

/**
 * Port: reads a backup policy's text from where it is kept. One per store: files (shared), S3 and
 * SSM (AWS), Blob (Azure), Cloud Storage (Google Cloud).
 */
@FunctionalInterface
public interface PolicyReader {
    /**
     * In the place of a cloud store's reader, for a runtime that reads policy files only (the local
     * runtime running a cloud module's functions over its local provider): refuses every location,
     * naming it.
     */
    PolicyReader FILES_ONLY = location -> {
        throw new IOException(location + ": this runtime reads policy files only");
    };

    /**
     * The policy text at {@code location} (UTF-8).
     *
     * @throws IOException naming the location and what failed (not found, access denied, ...); never
     *     a credential
     */
    String read(PolicyLocation location) throws IOException;
}
