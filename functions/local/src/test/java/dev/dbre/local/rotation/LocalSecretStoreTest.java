package dev.dbre.local.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.port.SecretMetadata;
import dev.dbre.port.SecretStore;
import dev.dbre.rotation.SecretStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSecretStoreTest extends SecretStoreContract {
    @TempDir
    Path dir;

    private LocalSecretStore store;

    @BeforeEach
    void open() {
        store = new LocalSecretStore(dir.resolve("secrets"), Clock.systemUTC());
    }

    @Override
    protected SecretStore store() {
        return store;
    }

    @Override
    protected String createSecret(String secretId, String value, boolean rotationEnabled) {
        return store.create(secretId, value, rotationEnabled);
    }

    @Test
    void files_areOwnerOnly_andNoTemporaryFileIsLeft() throws Exception {
        store.create("app/db", FIRST, true);
        store.putValue("app/db", TOKEN_2, SECOND, Set.of(SecretMetadata.PENDING));

        Path file = store.file("app/db");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.dir())))
                .isEqualTo("rwx------");
        try (var files = Files.list(store.dir())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("app%2Fdb.json", ".lock");
        }
    }

    @Test
    void aNewInstance_readsWhatAnotherWrote() {
        String v1 = store.create("app", FIRST, true);
        store.putValue("app", TOKEN_2, SECOND, Set.of(SecretMetadata.PENDING));
        store.moveStage("app", SecretMetadata.CURRENT, TOKEN_2, v1);

        LocalSecretStore other = new LocalSecretStore(store.dir(), Clock.systemUTC());

        assertThat(other.valueByStage("app", SecretMetadata.CURRENT)).contains(SECOND);
        assertThat(other.describe("app").versionWith(SecretMetadata.PREVIOUS)).isEqualTo(v1);
    }

    @Test
    void beginVersion_makesAValuelessPendingVersion_thatAPutFills() {
        store.create("app", FIRST, true);

        assertThat(store.beginVersion("app", TOKEN_2)).isTrue();
        assertThat(store.describe("app").versionWith(SecretMetadata.PENDING)).isEqualTo(TOKEN_2);
        assertThat(store.valueByVersion("app", TOKEN_2, SecretMetadata.PENDING)).isEmpty();

        store.putValue("app", TOKEN_2, SECOND, Set.of(SecretMetadata.PENDING));
        assertThat(store.valueByVersion("app", TOKEN_2, SecretMetadata.PENDING)).contains(SECOND);
    }

    @Test
    void moveStage_withoutTarget_onlyRemovesTheLabel() {
        String v1 = store.create("app", FIRST, true);
        store.putValue("app", TOKEN_2, SECOND, Set.of(SecretMetadata.PENDING));
        store.moveStage("app", SecretMetadata.CURRENT, TOKEN_2, v1);

        store.moveStage("app", SecretMetadata.PENDING, null, TOKEN_2);

        assertThat(store.describe("app").versionStages().get(TOKEN_2)).containsExactly(SecretMetadata.CURRENT);
    }

    @Test
    void toString_namesTheFolderOnly() {
        store.create("app", FIRST, true);
        assertThat(store.toString()).doesNotContain("first-pw");
    }
}
