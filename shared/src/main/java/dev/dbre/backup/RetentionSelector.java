package dev.dbre.backup;

import dev.dbre.port.Retention;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotStatus;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Grandfather-father-son retention over the snapshots of one database in one region. Pure.
 *
 * <p>Semantics (also in {@code docs/backup-policy.md}). A snapshot's time is its slot (tag {@link
 * Snapshot#TAG_SLOT}), else its creation time. Candidates are the AVAILABLE snapshots managed by
 * the policy whose time is not after {@code now}. For each tier with count N, the buckets are the
 * UTC hour / day / ISO week (from Monday 00:00) / calendar month / calendar year holding {@code
 * now} and the N-1 before it; in each bucket the newest candidate is kept. The floor keeps the
 * {@code keepAtLeast} newest candidates; the newest candidate is always kept. A candidate older
 * than {@code maxAge} is deleted even if a tier would keep it, unless the floor or "newest
 * completed" protects it. Everything else is decided in this order: not managed by the policy →
 * kept; DELETING → left alone; CREATING/COPYING → kept; FAILED → deleted (except the current
 * slot's, whose name the slot still needs); time after {@code now} → kept; a candidate kept by no
 * rule → deleted.
 */
public final class RetentionSelector {
    private static final DateTimeFormatter SLOT_TAG =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmm", Locale.ROOT).withZone(ZoneOffset.UTC);

    private RetentionSelector() {}

    /** What to do with one snapshot: keep (with every reason) or delete (with the reason). */
    public record Decision(Snapshot snapshot, List<KeepReason> keep, String deleteReason) {
        public boolean deleted() {
            return deleteReason != null;
        }
    }

    /**
     * Decides every snapshot in {@code snapshots} (one database, one region).
     *
     * @param protectedName the current slot's snapshot name: a FAILED snapshot of that name is kept
     *     (null for none)
     */
    public static List<Decision> decide(
            Instant now, String policy, Retention retention, List<Snapshot> snapshots, String protectedName) {
        List<Snapshot> candidates = new ArrayList<>();
        for (Snapshot s : snapshots) {
            if (s.managedBy(policy) && s.status() == SnapshotStatus.AVAILABLE && !time(s).isAfter(now)) {
                candidates.add(s);
            }
        }
        candidates.sort(NEWEST_FIRST);
        Map<Snapshot, List<KeepReason>> kept = new HashMap<>();
        if (!candidates.isEmpty()) {
            kept.computeIfAbsent(candidates.get(0), k -> new ArrayList<>())
                    .add(KeepReason.of(KeepReason.Kind.NEWEST_COMPLETED));
        }
        for (int i = 0; i < Math.min(retention.keepAtLeast(), candidates.size()); i++) {
            kept.computeIfAbsent(candidates.get(i), k -> new ArrayList<>())
                    .add(new KeepReason(KeepReason.Kind.FLOOR, (i + 1) + " of " + retention.keepAtLeast() + " newest"));
        }
        Set<Snapshot> protectedByFloor = new HashSet<>(kept.keySet());
        for (Retention.Tier tier : Retention.Tier.values()) {
            for (Map.Entry<Long, Snapshot> pick :
                    picks(now, tier, retention.count(tier), candidates).entrySet()) {
                Snapshot s = pick.getValue();
                kept.computeIfAbsent(s, k -> new ArrayList<>())
                        .add(new KeepReason(KeepReason.Kind.TIER, tier.field() + " " + label(tier, time(s))));
            }
        }
        Instant oldest = retention.maxAge() == null ? null : now.minus(retention.maxAge());
        List<Decision> out = new ArrayList<>(snapshots.size());
        for (Snapshot s : snapshots) {
            out.add(decideOne(
                    now, policy, s, kept.get(s), protectedByFloor.contains(s), oldest, retention, protectedName));
        }
        return out;
    }

    private static Decision decideOne(
            Instant now,
            String policy,
            Snapshot s,
            List<KeepReason> reasons,
            boolean floorOrNewest,
            Instant oldest,
            Retention retention,
            String protectedName) {
        if (!s.managedBy(policy)) {
            return keep(s, KeepReason.Kind.NOT_MANAGED);
        }
        switch (s.status()) {
            case DELETING:
                return keep(s, KeepReason.Kind.DELETING);
            case CREATING, COPYING:
                return keep(s, KeepReason.Kind.IN_PROGRESS);
            case FAILED:
                return s.id().equals(protectedName)
                        ? keep(s, KeepReason.Kind.FAILED_CURRENT_SLOT)
                        : new Decision(s, List.of(), "failed");
            case AVAILABLE:
            default:
                break;
        }
        if (time(s).isAfter(now)) {
            return keep(s, KeepReason.Kind.AFTER_NOW);
        }
        if (oldest != null && time(s).isBefore(oldest) && !floorOrNewest) {
            return new Decision(s, List.of(), "older than maxAge " + retention.maxAge());
        }
        if (reasons == null) {
            return new Decision(
                    s, List.of(), "kept by no retention tier, not among the " + retention.keepAtLeast() + " newest");
        }
        return new Decision(s, List.copyOf(reasons), null);
    }

    /**
     * The snapshots a copy region's retention would keep if the {@code planned} copies existed:
     * the tiers and the floor run over the live (AVAILABLE, CREATING, COPYING) managed copies plus
     * the planned ones, a bucket preferring an AVAILABLE copy, then one in progress, then a planned
     * one (so a bucket already covered gets no second copy), each newest first. Planned copies
     * older than maxAge are not wanted.
     *
     * @return the ids of the planned snapshots worth copying
     */
    public static Set<String> wantedPlanned(
            Instant now, String policy, Retention retention, List<Snapshot> existing, List<Snapshot> planned) {
        Instant oldest = retention.maxAge() == null ? null : now.minus(retention.maxAge());
        List<Snapshot> pool = new ArrayList<>();
        Set<String> plannedIds = new HashSet<>();
        for (Snapshot s : existing) {
            if (s.managedBy(policy) && rank(s) > 0 && !time(s).isAfter(now)) {
                pool.add(s);
            }
        }
        for (Snapshot s : planned) {
            if (!time(s).isAfter(now) && (oldest == null || !time(s).isBefore(oldest))) {
                pool.add(s);
                plannedIds.add(s.id());
            }
        }
        Set<String> wanted = new HashSet<>();
        List<Snapshot> byTime = new ArrayList<>(pool);
        byTime.sort(NEWEST_FIRST);
        for (int i = 0; i < Math.min(retention.keepAtLeast(), byTime.size()); i++) {
            wanted.add(byTime.get(i).id());
        }
        for (Retention.Tier tier : Retention.Tier.values()) {
            for (Snapshot s : picksPreferring(now, tier, retention.count(tier), pool, plannedIds)) {
                wanted.add(s.id());
            }
        }
        wanted.retainAll(plannedIds);
        return wanted;
    }

    /** The newest candidate of each of the last {@code n} buckets of {@code tier}, by bucket index. */
    private static Map<Long, Snapshot> picks(Instant now, Retention.Tier tier, int n, List<Snapshot> newestFirst) {
        Map<Long, Snapshot> picks = new LinkedHashMap<>();
        if (n == 0) {
            return picks;
        }
        for (Snapshot s : newestFirst) {
            long back = bucketsBack(now, time(s), tier);
            if (back >= 0 && back < n) {
                picks.putIfAbsent(back, s);
            }
        }
        return picks;
    }

    private static List<Snapshot> picksPreferring(
            Instant now, Retention.Tier tier, int n, List<Snapshot> pool, Set<String> plannedIds) {
        if (n == 0) {
            return List.of();
        }
        List<Snapshot> ordered = new ArrayList<>(pool);
        Comparator<Snapshot> preference = Comparator.comparingInt(
                        (Snapshot s) -> plannedIds.contains(s.id()) ? 0 : rank(s))
                .reversed()
                .thenComparing(NEWEST_FIRST);
        ordered.sort(preference);
        Map<Long, Snapshot> picks = new LinkedHashMap<>();
        for (Snapshot s : ordered) {
            long back = bucketsBack(now, time(s), tier);
            if (back >= 0 && back < n) {
                picks.putIfAbsent(back, s);
            }
        }
        return List.copyOf(picks.values());
    }

    /** 2 for AVAILABLE, 1 for in progress, 0 otherwise. */
    private static int rank(Snapshot s) {
        return switch (s.status()) {
            case AVAILABLE -> 2;
            case CREATING, COPYING -> 1;
            default -> 0;
        };
    }

    /** How many buckets of {@code tier} lie between {@code t}'s and {@code now}'s (0 = the same). */
    public static long bucketsBack(Instant now, Instant t, Retention.Tier tier) {
        return switch (tier) {
            case HOURLY -> Math.floorDiv(now.getEpochSecond(), 3600) - Math.floorDiv(t.getEpochSecond(), 3600);
            case DAILY -> Math.floorDiv(now.getEpochSecond(), 86400) - Math.floorDiv(t.getEpochSecond(), 86400);
            // Epoch day 0 (1970-01-01) was a Thursday: +3 makes weeks start on Monday.
            case WEEKLY ->
                Math.floorDiv(Math.floorDiv(now.getEpochSecond(), 86400) + 3, 7)
                        - Math.floorDiv(Math.floorDiv(t.getEpochSecond(), 86400) + 3, 7);
            case MONTHLY -> months(now) - months(t);
            case YEARLY -> utc(now).getYear() - utc(t).getYear();
        };
    }

    /** The time retention reasons about: the slot tag of a managed snapshot, else its creation time. */
    public static Instant time(Snapshot s) {
        String slot = s.tags().get(Snapshot.TAG_SLOT);
        if (slot != null) {
            try {
                return LocalDateTime.parse(slot, SLOT_TAG).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                // A hand-edited tag: fall back to the provider's creation time.
            }
        }
        return s.createdAt();
    }

    /** The value of {@link Snapshot#TAG_SLOT} for a slot starting at {@code slotStart}. */
    public static String slotTag(Instant slotStart) {
        return SLOT_TAG.format(slotStart);
    }

    private static final Comparator<Snapshot> NEWEST_FIRST =
            Comparator.comparing(RetentionSelector::time).reversed().thenComparing(Snapshot::id);

    private static long months(Instant t) {
        LocalDateTime d = utc(t);
        return d.getYear() * 12L + d.getMonthValue() - 1;
    }

    private static LocalDateTime utc(Instant t) {
        return LocalDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    private static String label(Retention.Tier tier, Instant t) {
        LocalDateTime d = utc(t);
        LocalDate day = d.toLocalDate();
        return switch (tier) {
            case HOURLY -> String.format(Locale.ROOT, "%sT%02dZ", day, d.getHour());
            case DAILY -> day.toString();
            case WEEKLY ->
                String.format(
                        Locale.ROOT,
                        "%d-W%02d",
                        day.get(IsoFields.WEEK_BASED_YEAR),
                        day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case MONTHLY -> String.format(Locale.ROOT, "%d-%02d", d.getYear(), d.getMonthValue());
            case YEARLY -> Integer.toString(d.getYear());
        };
    }

    private static Decision keep(Snapshot s, KeepReason.Kind kind) {
        return new Decision(s, List.of(KeepReason.of(kind)), null);
    }
}
