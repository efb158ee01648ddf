package dev.dbre.ingest.parse;

import dev.dbre.ingest.MetricType;
import dev.dbre.ingest.ParsedLine;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes DogStatsD lines: the inverse of {@link DogStatsdParser} for metrics, service checks and
 * events, for the round-trip tests (test code: no product code prints lines). Numbers are printed so that
 * parsing them gives back the same double.
 */
public final class DogStatsdPrinter {
    private DogStatsdPrinter() {}

    /**
     * One metric line. {@code values} is used for every type but SET, {@code member} for SET.
     *
     * @param rate 1.0 prints no {@code |@}
     * @param timestamp Unix seconds, or {@link ParsedLine#NO_TIMESTAMP}
     * @param container null prints no {@code |c:}
     */
    public static String metric(
            String name,
            MetricType type,
            double[] values,
            String member,
            double rate,
            List<String> tags,
            long timestamp,
            String container) {
        StringBuilder sb = new StringBuilder(64).append(name).append(':');
        if (type == MetricType.SET) {
            sb.append(member);
        } else {
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    sb.append(':');
                }
                number(sb, values[i]);
            }
        }
        sb.append('|').append(type.code());
        if (rate != 1.0) {
            number(sb.append("|@"), rate);
        }
        tags(sb, tags);
        if (timestamp != ParsedLine.NO_TIMESTAMP) {
            sb.append("|T").append(timestamp);
        }
        if (container != null) {
            sb.append("|c:").append(container);
        }
        return sb.toString();
    }

    /** A parsed line back as DogStatsD text (tags in canonical order); a reject as its raw text. */
    public static String print(ParsedLine line) {
        if (line.kind == null || line.kind == ParsedLine.Kind.REJECT) {
            return line.text(line.lineOff, line.lineLen);
        }
        return switch (line.kind) {
            case METRIC -> {
                double[] values = new double[line.valueCount];
                System.arraycopy(line.values, 0, values, 0, line.valueCount);
                yield metric(
                        line.name(),
                        line.type,
                        values,
                        line.member(),
                        line.rate,
                        tagList(line),
                        line.timestamp,
                        line.container());
            }
            case SERVICE_CHECK -> {
                StringBuilder sb = new StringBuilder("_sc|")
                        .append(line.name())
                        .append('|')
                        .append(line.status);
                if (line.hasTimestamp()) {
                    sb.append("|d:").append(line.timestamp);
                }
                optional(sb, "|h:", line.host());
                tags(sb, tagList(line));
                optional(sb, "|c:", line.container());
                optional(sb, "|m:", line.message());
                yield sb.toString();
            }
            case EVENT -> {
                // Line breaks go back to the protocol's "\\n"; the lengths are the escaped UTF-8 bytes.
                String title = line.name().replace("\n", "\\n");
                String text = line.text().replace("\n", "\\n");
                StringBuilder sb = new StringBuilder("_e{")
                        .append(utf8Length(title))
                        .append(',')
                        .append(utf8Length(text))
                        .append("}:")
                        .append(title)
                        .append('|')
                        .append(text);
                if (line.hasTimestamp()) {
                    sb.append("|d:").append(line.timestamp);
                }
                optional(sb, "|h:", line.host());
                optional(sb, "|k:", line.text(line.aggregationKeyOff, line.aggregationKeyLen));
                optional(sb, "|p:", line.text(line.priorityOff, line.priorityLen));
                optional(sb, "|s:", line.text(line.sourceTypeOff, line.sourceTypeLen));
                optional(sb, "|t:", line.text(line.alertTypeOff, line.alertTypeLen));
                tags(sb, tagList(line));
                optional(sb, "|c:", line.container());
                yield sb.toString();
            }
            case REJECT -> throw new AssertionError("handled above");
        };
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static List<String> tagList(ParsedLine line) {
        String[] tags = new String[line.tagCount];
        for (int i = 0; i < tags.length; i++) {
            tags[i] = line.tag(i);
        }
        return List.of(tags);
    }

    private static void tags(StringBuilder sb, List<String> tags) {
        if (tags != null && !tags.isEmpty()) {
            sb.append("|#").append(String.join(",", tags));
        }
    }

    private static void optional(StringBuilder sb, String prefix, String value) {
        if (value != null) {
            sb.append(prefix).append(value);
        }
    }

    /** Whole numbers without ".0" (the common case on the wire); others in Java's round-trip form. */
    private static void number(StringBuilder sb, double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15 && !(v == 0 && 1 / v < 0)) {
            sb.append((long) v);
        } else {
            sb.append(v);
        }
    }
}
