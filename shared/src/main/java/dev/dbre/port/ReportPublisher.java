package dev.dbre.port;

import java.io.IOException;

/**
 * Port: writes the files of a report to where reports go (a folder, an S3 prefix, a Blob Storage
 * container, a Cloud Storage bucket). Writing the same name again replaces the file, so a retried
 * run is harmless.
 */
@FunctionalInterface
public interface ReportPublisher {
    /**
     * Writes {@code content} as {@code name} (a relative path with {@code /} separators) under the
     * publisher's location.
     *
     * @return where the file now is (a path or URL a person can open; never a signed URL)
     * @throws IOException naming the location when the write fails
     */
    String publish(String name, String contentType, byte[] content) throws IOException;
}
