package dev.dbre.backup;

import java.io.IOException;

/**
 * Port: reads a backup policy's text from where it is kept. One per store: files (shared), S3 and
 * SSM (AWS), Blob (Azure), Cloud Storage (Google Cloud).
 */
@FunctionalInterface
public interface PolicyReader {
    /**
     * The policy text at {@code location} (UTF-8).
     *
     * @throws IOException naming the location and what failed (not found, access denied, ...); never
     *     a credential
     */
    String read(PolicyLocation location) throws IOException;
}
