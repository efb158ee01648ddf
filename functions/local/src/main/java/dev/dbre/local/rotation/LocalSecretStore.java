package dev.dbre.local.rotation;

import static dev.dbre.port.SecretMetadata.CURRENT;
import static dev.dbre.port.SecretMetadata.PREVIOUS;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dbre.port.PasswordPolicy;
import dev.dbre.port.SecretMetadata;
import dev.dbre.port.SecretStore;
import dev.dbre.port.SecretStoreException;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local runtime's versioned secret store: one JSON file per secret in a folder, holding the
 * rotation flag and every labelled version with its staging labels, as Secrets Manager keeps them.
 *
 * <p>Labels move as Secrets Manager moves them: a label is on one version at a time; moving
 * CURRENT makes the old current version PREVIOUS; a version left with no label is dropped. Files
 * are written whole to a temporary file (mode 0600, in a folder of mode 0700) and renamed over the
 * old one, so a crash leaves either the old or the new file, never half of one. Writers are
 * serialised per folder, across processes too (a lock file).
 *
 * <p>It has no password generator: the rotation uses {@link dev.dbre.rotation.PasswordGenerator}.
 */
public final class LocalSecretStore implements SecretStore {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();
    private static final String LOCK_FILE = ".lock";

    private final Path dir;
    private final Clock clock;

    /** One stored version (file format). */
    record FileVersion(String id, Set<String> stages, String created, String value) {}

    /** One secret's file. */
    record FileSecret(String name, boolean rotationEnabled, List<FileVersion> versions) {}

    public LocalSecretStore(Path dir, Clock clock) {
        this.dir = dir.toAbsolutePath().normalize();
        this.clock = clock;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Creates {@code secretId} with one version holding {@code value}, staged CURRENT (what an
     * operator does before the first rotation).
     *
     * @return the new version's id
     * @throws SecretStoreException if the secret exists already, or the file cannot be written
     */
    public String create(String secretId, String value, boolean rotationEnabled) {
        String version = UUID.randomUUID().toString();
        update(secretId, true, old -> {
            if (old != null) {
                throw new SecretStoreException("secret " + secretId + " exists already in " + dir, false, null);
            }
            List<FileVersion> versions = new ArrayList<>();
            versions.add(
                    new FileVersion(version, Set.of(CURRENT), clock.instant().toString(), value));
            return new FileSecret(secretId, rotationEnabled, versions);
        });
        return version;
    }

    /** Turns rotation on or off. @throws SecretStoreException if the secret does not exist */
    public void setRotationEnabled(String secretId, boolean enabled) {
        update(secretId, false, old -> new FileSecret(old.name(), enabled, old.versions()));
    }

    /** Whether the secret's file exists. */
    public boolean exists(String secretId) {
        return Files.exists(file(secretId));
    }

    @Override
    public SecretMetadata describe(String secretId) {
        FileSecret s = read(secretId);
        if (s == null) {
            throw notFound(secretId);
        }
        Map<String, Set<String>> stages = new LinkedHashMap<>();
        for (FileVersion v : s.versions()) {
            stages.put(v.id(), Set.copyOf(v.stages()));
        }
        return new SecretMetadata(secretId, s.rotationEnabled(), stages);
    }

    @Override
    public Optional<String> valueByStage(String secretId, String stage) {
        FileSecret s = read(secretId);
        if (s != null) {
            for (FileVersion v : s.versions()) {
                if (v.stages().contains(stage)) {
                    return Optional.ofNullable(v.value());
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<String> valueByVersion(String secretId, String versionId, String stage) {
        FileSecret s = read(secretId);
        if (s != null) {
            for (FileVersion v : s.versions()) {
                if (v.id().equals(versionId) && (stage == null || v.stages().contains(stage))) {
                    return Optional.ofNullable(v.value());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * As Secrets Manager's PutSecretValue with a client request token: a second put of the same
     * version with the same value changes nothing but the labels asked for.
     *
     * @throws SecretStoreException if the secret does not exist, or the version exists with another
     *     value (not retryable)
     */
    @Override
    public void putValue(String secretId, String versionId, String value, Set<String> stages) {
        update(secretId, false, old -> {
            List<FileVersion> versions = new ArrayList<>(old.versions());
            int at = indexOf(versions, versionId);
            if (at >= 0 && versions.get(at).value() == null) {
                FileVersion v = versions.get(at);
                versions.set(at, new FileVersion(v.id(), v.stages(), v.created(), value));
            } else if (at >= 0 && !value.equals(versions.get(at).value())) {
                throw new SecretStoreException(
                        "version " + versionId + " of secret " + secretId + " exists with another value", false, null);
            }
            if (at < 0) {
                versions.add(
                        new FileVersion(versionId, Set.of(), clock.instant().toString(), value));
            }
            for (String stage : stages) {
                attach(versions, stage, versionId);
            }
            return new FileSecret(old.name(), old.rotationEnabled(), prune(versions));
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>With {@code toVersion} null, only removes {@code stage} from {@code fromVersion}.
     *
     * @throws SecretStoreException if the secret or {@code toVersion} does not exist
     */
    @Override
    public void moveStage(String secretId, String stage, String toVersion, String fromVersion) {
        update(secretId, false, old -> {
            List<FileVersion> versions = new ArrayList<>(old.versions());
            if (toVersion == null) {
                int at = indexOf(versions, fromVersion);
                if (at >= 0) {
                    versions.set(
                            at,
                            withStages(
                                    versions.get(at), without(versions.get(at).stages(), stage)));
                }
            } else {
                if (indexOf(versions, toVersion) < 0) {
                    throw new SecretStoreException(
                            "version " + toVersion + " of secret " + secretId + " does not exist", false, null);
                }
                attach(versions, stage, toVersion);
            }
            return new FileSecret(old.name(), old.rotationEnabled(), prune(versions));
        });
    }

    /**
     * Adds {@code versionId} staged PENDING with no value (a value-less version reads as empty), as
     * Secrets Manager's RotateSecret does; a version that exists is left alone.
     *
     * @throws SecretStoreException if the secret does not exist
     */
    @Override
    public boolean beginVersion(String secretId, String versionId) {
        update(secretId, false, old -> {
            List<FileVersion> versions = new ArrayList<>(old.versions());
            if (indexOf(versions, versionId) < 0) {
                versions.add(
                        new FileVersion(versionId, Set.of(), clock.instant().toString(), null));
                attach(versions, SecretMetadata.PENDING, versionId);
            }
            return new FileSecret(old.name(), old.rotationEnabled(), prune(versions));
        });
        return true;
    }

    @Override
    public Optional<String> generatePassword(PasswordPolicy policy) {
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "LocalSecretStore[" + dir + "]";
    }

    // ---- labels ----

    /** Puts {@code stage} on {@code version} only; CURRENT's old holder becomes PREVIOUS. */
    private static void attach(List<FileVersion> versions, String stage, String version) {
        String oldHolder = null;
        for (int i = 0; i < versions.size(); i++) {
            FileVersion v = versions.get(i);
            if (v.id().equals(version)) {
                if (!v.stages().contains(stage)) {
                    Set<String> s = new TreeSet<>(v.stages());
                    s.add(stage);
                    versions.set(i, withStages(v, s));
                }
            } else if (v.stages().contains(stage)) {
                oldHolder = v.id();
                versions.set(i, withStages(v, without(v.stages(), stage)));
            }
        }
        if (stage.equals(CURRENT) && oldHolder != null) {
            attach(versions, PREVIOUS, oldHolder);
        }
    }

    private static List<FileVersion> prune(List<FileVersion> versions) {
        List<FileVersion> kept = new ArrayList<>(versions.size());
        for (FileVersion v : versions) {
            if (!v.stages().isEmpty()) {
                kept.add(v);
            }
        }
        return kept;
    }

    private static FileVersion withStages(FileVersion v, Set<String> stages) {
        return new FileVersion(v.id(), Set.copyOf(stages), v.created(), v.value());
    }

    private static Set<String> without(Set<String> stages, String stage) {
        Set<String> s = new LinkedHashSet<>(stages);
        s.remove(stage);
        return s;
    }

    private static int indexOf(List<FileVersion> versions, String id) {
        for (int i = 0; i < versions.size(); i++) {
            if (versions.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    // ---- files ----

    @FunctionalInterface
    private interface Change {
        /** The new content; {@code old} is null only when creating. */
        FileSecret apply(FileSecret old);
    }

    private void update(String secretId, boolean creating, Change change) {
        Object lock = LOCKS.computeIfAbsent(dir, d -> new Object());
        synchronized (lock) {
            try {
                createDir();
                try (FileChannel ch = FileChannel.open(
                                dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        FileLock ignored = ch.lock()) {
                    FileSecret old = read(secretId);
                    if (old == null && !creating) {
                        throw notFound(secretId);
                    }
                    write(secretId, change.apply(old));
                }
            } catch (IOException e) {
                throw new SecretStoreException(
                        "could not write secret " + secretId + " in " + dir + ": " + e.getMessage(), false, e);
            }
        }
    }

    private FileSecret read(String secretId) {
        Path f = file(secretId);
        try {
            return JSON.readValue(Files.readAllBytes(f), FileSecret.class);
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            // Jackson's parse errors quote the input, which holds secrets: name the file only.
            throw new SecretStoreException(
                    "could not read secret " + secretId + " from " + f + " ("
                            + e.getClass().getSimpleName() + ")",
                    false,
                    null);
        }
    }

    private void write(String secretId, FileSecret content) throws IOException {
        Path target = file(secretId);
        Path tmp = posix()
                ? Files.createTempFile(dir, ".secret-", ".tmp", ownerOnly("rw-------"))
                : Files.createTempFile(dir, ".secret-", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(JSON.writeValueAsBytes(content)));
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void createDir() throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            if (posix()) {
                Files.createDirectories(dir, ownerOnly("rwx------"));
            } else {
                Files.createDirectories(dir);
            }
        } catch (FileAlreadyExistsException e) {
            // created meanwhile
        }
    }

    private boolean posix() {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static FileAttribute<?> ownerOnly(String perms) {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms));
    }

    /** The file of {@code secretId}: its name URL-encoded, so any id maps to one plain file name. */
    Path file(String secretId) {
        if (secretId == null || secretId.isEmpty()) {
            throw new SecretStoreException("a secret id cannot be empty", false, null);
        }
        String name = URLEncoder.encode(secretId, StandardCharsets.UTF_8).replace(".", "%2E");
        return dir.resolve(name + ".json");
    }

    private SecretStoreException notFound(String secretId) {
        return new SecretStoreException("secret " + secretId + " not found in " + dir, false, null);
    }
}
