package dev.dbre.slo.report;

import dev.dbre.slo.SloReport.Entry;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;

/** Number, time and ordering rules shared by the Markdown and HTML reports. */
final class Format {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private Format() {}

    /** A fraction as a percentage with up to 3 decimals ({@code 0.99512} is {@code 99.512%}); "no data" for null. */
    static String percent(Double fraction) {
        if (fraction == null) {
            return "no data";
        }
        return decimal(fraction * 100, 3) + "%";
    }

    /** Up to {@code places} decimals, trailing zeros dropped. */
    static String decimal(double value, int places) {
        BigDecimal d = new BigDecimal(Double.toString(value))
                .setScale(places, RoundingMode.HALF_UP)
                .stripTrailingZeros();
        return d.signum() == 0 ? "0" : d.toPlainString();
    }

    static String time(Instant t) {
        return TIME.format(t);
    }

    static String window(Entry e) {
        return e.window().kind().equals("rolling")
                ? e.window().duration() + " rolling"
                : e.window().duration() + " calendar (" + e.window().timeZone() + ")";
    }

    /** What reading a window's older part from the hourly rollups means for this entry's method. */
    static String hourGrainNote(Entry e) {
        return e.budgetingMethod().equals("Occurrences")
                ? "the metric store no longer keeps minutes that old, so its events were counted from the hourly"
                        + " rollups (exact over whole hours)."
                : "the metric store no longer keeps minutes that old, and a slice cannot be judged from an hour's"
                        + " total: those slices have no data.";
    }

    /** Most urgent first: the least budget left; no data last; then by name. */
    static List<Entry> byBudgetLeft(List<Entry> entries) {
        return entries.stream()
                .sorted(Comparator.comparing((Entry e) -> e.budget().remaining() == null
                                ? Double.POSITIVE_INFINITY
                                : e.budget().remaining())
                        .thenComparing(Entry::name)
                        .thenComparing(Entry::objective))
                .toList();
    }

    static String alerts(Entry e) {
        List<String> firing = e.alerts().stream()
                .filter(a -> a.firing())
                .map(a -> "FIRING " + a.severity() + " (" + a.longWindow() + "/" + a.shortWindow() + ")")
                .toList();
        if (!firing.isEmpty()) {
            return String.join(", ", firing);
        }
        boolean judged = e.alerts().stream().anyMatch(a -> a.status().equals("ok"));
        return judged ? "none firing" : "not enough data";
    }

    static String amount(double value, String unit) {
        return decimal(value, 2) + " " + unit;
    }
}
