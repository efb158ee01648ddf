package dev.dbre.port;

import java.time.Duration;

/**
 * Grandfather-father-son retention (the semantics are in {@code docs/backup-policy.md} and {@link
 * dev.dbre.backup.RetentionSelector}).
 *
 * @param hourly keep the newest completed snapshot of each of the last N UTC hours (0 = tier off)
 * @param daily ... of each of the last N UTC days
 * @param weekly ... of each of the last N ISO weeks (Monday 00:00 UTC)
 * @param monthly ... of each of the last N UTC calendar months
 * @param yearly ... of each of the last N UTC calendar years
 * @param keepAtLeast the floor: the N newest completed snapshots are kept whatever else says
 * @param maxAge snapshots older than this are deleted unless the floor or "newest completed"
 *     protects them; null for no maximum
 */
public record Retention(int hourly, int daily, int weekly, int monthly, int yearly, int keepAtLeast, Duration maxAge) {
    public Retention {
        for (int n : new int[] {hourly, daily, weekly, monthly, yearly, keepAtLeast}) {
            if (n < 0) {
                throw new IllegalArgumentException("retention counts must be >= 0");
            }
        }
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw new IllegalArgumentException("maxAge must be positive");
        }
    }

    /** The count of {@code tier}. */
    public int count(Tier tier) {
        return switch (tier) {
            case HOURLY -> hourly;
            case DAILY -> daily;
            case WEEKLY -> weekly;
            case MONTHLY -> monthly;
            case YEARLY -> yearly;
        };
    }

    /** The GFS tiers, finest first. */
    public enum Tier {
        HOURLY,
        DAILY,
        WEEKLY,
        MONTHLY,
        YEARLY;

        /** The field name in a policy file. */
        public String field() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
