package dev.dbre.local.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.port.RestoreProvider;
import dev.dbre.port.RestoreTarget;
import dev.dbre.port.SnapshotRef;
import dev.dbre.restore.RestoreProviderContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The restore contract against the real local provider: real recoveries of a base backup with
 * archived WAL, each a server of its own; a foreign database is a folder under the name with
 * someone else's file in it.
 */
class LocalRestoreProviderContractTest extends RestoreProviderContract {
    private static final String NAME = "r-contract";

    static LocalSource src;
    /** What must still be there after a test that must leave the name alone. */
    private Path mustRemain;

    @BeforeAll
    static void start() throws Exception {
        src = LocalSource.start("pg-restore-contract", false);
        src.execute("create table items (id int primary key)");
        src.provider.createSnapshot(src.ref, "s1", Map.of());
    }

    @AfterAll
    static void stop() {
        src.close();
    }

    @AfterEach
    void removeTheName() throws Exception {
        src.provider.restoredBy(NAME).ifPresent(run -> src.provider.delete(new RestoreTarget(run, NAME, null)));
        DataDirCopy.deleteTree(dir());
    }

    private static Path dir() {
        return src.provider.baseDir().resolve("restores").resolve(NAME);
    }

    @Override
    protected RestoreProvider provider() {
        return src.provider;
    }

    @Override
    protected String sourceId() {
        return src.ref.id();
    }

    @Override
    protected String restoreName() {
        return NAME;
    }

    @Override
    protected SnapshotRef snapshot() {
        return new SnapshotRef("s1", sourceId(), LocalBackupProvider.REGION);
    }

    @Override
    protected void arrangeNothingNamed(String name) {
        assertThat(src.provider.baseDir().resolve("restores").resolve(name)).doesNotExist();
    }

    @Override
    protected void arrangeRestoredBy(UUID runId) {
        src.provider.startRestore(runId, sourceId(), null, NAME, Map.of());
        mustRemain = dir().resolve("restore.json");
    }

    @Override
    protected void arrangeForeignDatabase() {
        try {
            Files.createDirectories(dir());
            mustRemain = Files.writeString(dir().resolve("notes.txt"), "someone else's");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    protected void assertLeftAlone() {
        assertThat(mustRemain).exists();
    }
}
