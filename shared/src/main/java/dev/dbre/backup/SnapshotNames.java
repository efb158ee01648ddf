package dev.dbre.backup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Deterministic snapshot names: {@code dbre-<db>-<UTC yyyymmdd-hhmm>} of the slot's start, valid
 * as RDS snapshot identifiers (1-255 letters, digits and hyphens, starting with a letter, no two
 * hyphens in a row, not ending with a hyphen), which also suits Cloud SQL and Flexible Server.
 *
 * <p>The database id is sanitised: lower-cased, every run of characters other than a-z and 0-9
 * becomes one hyphen, leading and trailing hyphens are dropped, and it is cut so the whole name
 * fits 255 characters. When that changed the id (other than its case), {@code -<8 hex of SHA-256
 * of the original id>} is appended, so two ids that sanitise alike ("my_db", "my.db") still get
 * different names. A copy keeps its source's name (it lives in another region).
 */
public final class SnapshotNames {
    public static final String PREFIX = "dbre-";
    public static final int MAX_LENGTH = 255;
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmm", Locale.ROOT).withZone(ZoneOffset.UTC);
    /** "-yyyymmdd-hhmm". */
    private static final int STAMP_LENGTH = 14;

    private SnapshotNames() {}

    /** The start of the slot of length {@code slot} that holds {@code t} (slots are aligned to the epoch, UTC). */
    public static Instant slotStart(Instant t, Duration slot) {
        long s = slot.toSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), s) * s);
    }

    /** The name of the snapshot of {@code databaseId} for the slot starting at {@code slotStart}. */
    public static String name(String databaseId, Instant slotStart) {
        return PREFIX + sanitise(databaseId) + "-" + STAMP.format(slotStart);
    }

    /** The database id as it appears in snapshot names (see the class comment). */
    public static String sanitise(String databaseId) {
        int max = MAX_LENGTH - PREFIX.length() - STAMP_LENGTH;
        String lower = databaseId.toLowerCase(Locale.ROOT);
        StringBuilder b = new StringBuilder(Math.min(lower.length(), max));
        boolean hyphen = true; // drops leading hyphens
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                b.append(c);
                hyphen = false;
            } else if (!hyphen) {
                b.append('-');
                hyphen = true;
            }
        }
        trimHyphen(b);
        if (!b.isEmpty() && b.toString().equals(lower) && b.length() <= max) {
            return lower;
        }
        String hash = "-" + HexFormat.of().formatHex(sha256(databaseId), 0, 4);
        if (b.length() > max - hash.length()) {
            b.setLength(max - hash.length());
            trimHyphen(b);
        }
        return (b.isEmpty() ? "db" : b.toString()) + hash;
    }

    /** True when {@code name} is a valid RDS snapshot identifier. */
    public static boolean isValidIdentifier(String name) {
        if (name.isEmpty() || name.length() > MAX_LENGTH) {
            return false;
        }
        char first = name.charAt(0);
        if (!(first >= 'a' && first <= 'z') && !(first >= 'A' && first <= 'Z')) {
            return false;
        }
        if (name.endsWith("-") || name.contains("--")) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static void trimHyphen(StringBuilder b) {
        while (!b.isEmpty() && b.charAt(b.length() - 1) == '-') {
            b.setLength(b.length() - 1);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
