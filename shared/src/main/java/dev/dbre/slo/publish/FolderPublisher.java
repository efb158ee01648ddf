package dev.dbre.slo.publish;

import dev.dbre.port.ReportPublisher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes report files under a local folder. Each file is written to a temporary file beside it and
 * moved into place, so a reader never sees half a report.
 */
public final class FolderPublisher implements ReportPublisher {
    private final Path root;

    public FolderPublisher(Path root) {
        this.root = root;
    }

    /** @throws IOException naming the file when the folder cannot be created or written */
    @Override
    public String publish(String name, String contentType, byte[] content) throws IOException {
        Path target = root.resolve(name).normalize();
        if (!target.startsWith(root.normalize())) {
            throw new IllegalArgumentException("report file name leaves the folder: " + name);
        }
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), ".slo-report", ".tmp");
            Files.write(tmp, content);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IOException("cannot write the SLO report file " + target + ": " + e.getMessage(), e);
        }
        return target.toString();
    }

    @Override
    public String toString() {
        return "FolderPublisher[" + root + "]";
    }
}
