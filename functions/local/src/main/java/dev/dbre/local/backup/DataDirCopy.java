package dev.dbre.local.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Copies a PostgreSQL data directory file by file, with a CRC-32C of every file (the files list of
 * a base backup, as pg_basebackup's backup_manifest keeps), and checks such a list on the way back.
 *
 * <p>Written by hand rather than with {@code Files.copy}: one pass computes the checksum while
 * copying, and the skip rules are PostgreSQL's ("Making a Base Backup Using the Low Level API"):
 * postmaster.pid/opts, the contents of pg_wal, pg_replslot, pg_dynshmem, pg_notify, pg_serial,
 * pg_snapshots, pg_stat_tmp and pg_subtrans, temporary files, and zonky's lock file.
 */
final class DataDirCopy {
    /** One copied file: path relative to the data directory ('/'-separated), size, CRC-32C hex. */
    record FileEntry(String path, long size, String crc32c) {}

    private static final Set<String> SKIP_FILES = Set.of(
            "postmaster.pid", "postmaster.opts", "epg-lock", "backup_label", "tablespace_map", "recovery.signal");
    private static final Set<String> EMPTY_DIRS = Set.of(
            "pg_wal",
            "pg_replslot",
            "pg_dynshmem",
            "pg_notify",
            "pg_serial",
            "pg_snapshots",
            "pg_stat_tmp",
            "pg_subtrans");
    private static final int BUFFER = 1 << 16;

    private DataDirCopy() {}

    /**
     * Copies {@code from} (a running server's data directory) to {@code to}, skipping what a base
     * backup leaves out. Files that vanish during the copy (a dropped table) are skipped: WAL replay
     * accounts for them.
     *
     * @return every file copied, with its size and checksum
     * @throws IOException if a file cannot be read or written
     */
    static List<FileEntry> backup(Path from, Path to) throws IOException {
        List<FileEntry> files = new ArrayList<>();
        createPrivateDir(to);
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path rel = from.relativize(dir);
                if (!dir.equals(from)) {
                    createPrivateDir(to.resolve(rel.toString()));
                }
                if (rel.getNameCount() == 1 && EMPTY_DIRS.contains(rel.toString())) {
                    if (rel.toString().equals("pg_wal")) {
                        createPrivateDir(to.resolve("pg_wal").resolve("archive_status"));
                    }
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return dir.getFileName() != null && dir.getFileName().toString().startsWith("pgsql_tmp")
                        ? FileVisitResult.SKIP_SUBTREE
                        : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path rel = from.relativize(file);
                String name = file.getFileName().toString();
                if ((rel.getNameCount() == 1 && SKIP_FILES.contains(name)) || name.startsWith("pgsql_tmp")) {
                    return FileVisitResult.CONTINUE;
                }
                try {
                    files.add(copy(file, to.resolve(rel.toString()), slashes(rel)));
                } catch (NoSuchFileException gone) {
                    // Dropped while we copied: the WAL from the backup's start replays the drop.
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }
        });
        return files;
    }

    /**
     * Copies a base backup's data directory {@code from} to a new data directory {@code to},
     * checking every file against {@code expected}.
     *
     * @throws CorruptBackupException naming the first file missing, of the wrong size or checksum
     * @throws IOException if a file cannot be read or written
     */
    static void restore(Path from, Path to, List<FileEntry> expected) throws IOException {
        createPrivateDir(to);
        Map<String, FileEntry> byPath = new java.util.HashMap<>();
        for (FileEntry e : expected) {
            byPath.put(e.path(), e);
        }
        Set<String> seen = new java.util.HashSet<>();
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(from)) {
                    createPrivateDir(to.resolve(from.relativize(dir).toString()));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String rel = slashes(from.relativize(file));
                FileEntry want = byPath.get(rel);
                if (want == null) {
                    throw new CorruptBackupException("backup file " + rel + " is not in the backup's file list");
                }
                FileEntry got = copy(file, to.resolve(rel), rel);
                if (got.size() != want.size() || !got.crc32c().equals(want.crc32c())) {
                    throw new CorruptBackupException("backup file " + rel + " is corrupt: size " + got.size()
                            + ", CRC-32C " + got.crc32c() + "; the backup recorded size " + want.size()
                            + ", CRC-32C " + want.crc32c());
                }
                seen.add(rel);
                return FileVisitResult.CONTINUE;
            }
        });
        for (FileEntry e : expected) {
            if (!seen.contains(e.path())) {
                throw new CorruptBackupException("backup file " + e.path() + " is missing");
            }
        }
    }

    private static FileEntry copy(Path source, Path target, String rel) throws IOException {
        CRC32C crc = new CRC32C();
        long size = 0;
        byte[] buf = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(source);
                OutputStream out = Files.newOutputStream(
                        target, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                crc.update(buf, 0, n);
                out.write(buf, 0, n);
                size += n;
            }
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        return new FileEntry(rel, size, HexFormat.of().toHexDigits((int) crc.getValue()));
    }

    /** PostgreSQL refuses a data directory readable by others: 0700 (its own check). */
    private static void createPrivateDir(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    private static String slashes(Path rel) {
        return rel.toString().replace('\\', '/');
    }

    /** Deletes {@code dir} and everything under it; a missing directory is not an error. */
    static void deleteTree(Path dir) throws IOException {
        // A server stopping as this runs (Ctrl-C during a drill) removes postmaster.pid and its
        // sockets itself: a file gone between listing and removal is what we wanted, not a failure,
        // and a directory it wrote into once more is walked again.
        for (int attempt = 1; ; attempt++) {
            try {
                deleteTreeOnce(dir);
                return;
            } catch (DirectoryNotEmptyException e) {
                if (attempt == 5) {
                    throw e;
                }
                try {
                    Thread.sleep(100L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static void deleteTreeOnce(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new TreeRemover());
    }

    /** Removes what it visits, children first; a file already gone is not a failure. */
    static final class TreeRemover extends SimpleFileVisitor<Path> {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
            if (exc instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
            }
            throw exc;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
            if (exc != null && !(exc instanceof NoSuchFileException)) {
                throw exc;
            }
            Files.deleteIfExists(d);
            return FileVisitResult.CONTINUE;
        }
    }

    /** A base backup that does not match its file list. */
    static final class CorruptBackupException extends IOException {
        CorruptBackupException(String message) {
            super(message);
        }
    }
}
