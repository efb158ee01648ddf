package dev.dbre.local.backup;

import java.nio.file.Path;

/**
 * The {@code archive_command} and {@code restore_command} of the local provider: plain {@code cp}
 * under {@code /bin/sh}, as the PostgreSQL documentation's examples (continuous archiving). Paths
 * are single-quoted for the shell and their {@code %} doubled for PostgreSQL's own substitution.
 */
final class ShellCommands {
    private ShellCommands() {}

    /**
     * Copies a finished WAL segment into {@code archiveDir}: through a temporary name and {@code
     * mv}, so a crash never leaves a half-written segment under the real name; an existing segment
     * is refused unless identical (PostgreSQL may ask again for one it archived before a crash).
     */
    static String archiveCommand(Path archiveDir) {
        String d = quote(archiveDir);
        return "test ! -f " + d + "/%f && cp %p " + d + "/%f.tmp && mv " + d + "/%f.tmp " + d + "/%f || cmp -s %p " + d
                + "/%f";
    }

    /** Fetches a segment (or a timeline history file) from {@code archiveDir}; fails if absent. */
    static String restoreCommand(Path archiveDir) {
        return "cp " + quote(archiveDir) + "/%f %p";
    }

    /** {@code value} as a single-quoted PostgreSQL string literal (for postgresql.conf and ALTER SYSTEM). */
    static String sqlLiteral(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static String quote(Path p) {
        String s = p.toAbsolutePath().normalize().toString().replace("%", "%%");
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
