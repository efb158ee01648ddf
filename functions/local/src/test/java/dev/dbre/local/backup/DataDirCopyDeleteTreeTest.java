package dev.dbre.local.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Removing a restore's folder while its server stops: the server removes {@code postmaster.pid}
 * and its sockets itself, so a file that vanishes during the walk is not a failure; any other
 * error still is.
 */
class DataDirCopyDeleteTreeTest {
    @Test
    void aTree_isRemovedWhole(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("restore");
        Files.createDirectories(dir.resolve("data/pg_wal"));
        Files.writeString(dir.resolve("data/postmaster.pid"), "4242");
        Files.writeString(dir.resolve("data/pg_wal/000000010000000000000001"), "wal");

        DataDirCopy.deleteTree(dir);

        assertThat(dir).doesNotExist();
        DataDirCopy.deleteTree(dir); // already gone: nothing to do
    }

    @Test
    void aFileThatVanishedDuringTheWalk_isPassedOver_otherErrorsAreNot(@TempDir Path tmp) throws IOException {
        DataDirCopy.TreeRemover remover = new DataDirCopy.TreeRemover();
        Path pid = tmp.resolve("postmaster.pid");

        assertThat(remover.visitFileFailed(pid, new NoSuchFileException(pid.toString())))
                .isEqualTo(FileVisitResult.CONTINUE);
        assertThatThrownBy(() -> remover.visitFileFailed(pid, new AccessDeniedException(pid.toString())))
                .isInstanceOf(AccessDeniedException.class);

        // A directory whose listing met a vanished entry is still removed; another error stops.
        Path data = Files.createDirectory(tmp.resolve("data"));
        assertThat(remover.postVisitDirectory(data, new NoSuchFileException("gone")))
                .isEqualTo(FileVisitResult.CONTINUE);
        assertThat(data).doesNotExist();
        Path kept = Files.createDirectory(tmp.resolve("kept"));
        assertThatThrownBy(() -> remover.postVisitDirectory(kept, new AccessDeniedException("kept")))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(kept).exists();
    }
}
