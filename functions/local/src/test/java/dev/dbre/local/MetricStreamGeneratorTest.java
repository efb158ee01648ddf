package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.ingest.MetricType;
import dev.dbre.ingest.ParsedLine;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.RejectReason;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.ingest.parse.PayloadParser;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricStreamGeneratorTest {
    /** A fixed clock: the same seed then gives the same bytes. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-05T07:30:00Z"), ZoneOffset.UTC);

    /** What the real parser makes of the bytes, counted as the database would hold them. */
    record Parsed(long lines, long points, long checks, long events, Map<RejectReason, Long> rejects) {}

    static Parsed parse(byte[] payload) {
        long[] c = new long[4];
        EnumMap<RejectReason, Long> rejects = new EnumMap<>(RejectReason.class);
        new PayloadParser(ParseLimits.DEFAULTS).parse(payload, 0, payload.length, PayloadFormat.AUTO, l -> {
            c[0]++;
            switch (l.kind) {
                case METRIC -> c[1] += l.type == MetricType.SET ? 1 : l.valueCount;
                case SERVICE_CHECK -> c[2]++;
                case EVENT -> c[3]++;
                case REJECT -> rejects.merge(l.reason, 1L, Long::sum);
            }
        });
        return new Parsed(c[0], c[1], c[2], c[3], rejects);
    }

    @Test
    void stats_matchWhatTheParserMakesOfTheLines() {
        MetricStreamGenerator g = new MetricStreamGenerator(7, 0.05, CLOCK);
        long lines = 0, points = 0, checks = 0, events = 0;
        EnumMap<RejectReason, Long> rejects = new EnumMap<>(RejectReason.class);
        for (int r = 0; r < 50; r++) {
            Parsed p = parse(g.nextRecord(1000));
            lines += p.lines();
            points += p.points();
            checks += p.checks();
            events += p.events();
            p.rejects().forEach((k, v) -> rejects.merge(k, v, Long::sum));
        }
        Parsed total = new Parsed(lines, points, checks, events, rejects);

        MetricStreamGenerator.Stats s = g.stats();
        assertThat(new Parsed(s.lines(), s.points(), s.checks(), s.events(), s.rejects()))
                .isEqualTo(total);
        // Every kind of content is there: packed values, checks, events, JSON records, and ten reject kinds.
        assertThat(s.lines()).isEqualTo(50_000);
        assertThat(s.jsonLines()).isPositive().isLessThan(s.lines() / 2);
        assertThat(s.points()).isGreaterThan(s.lines() - s.checks() - s.events() - s.rejected());
        assertThat(s.checks()).isPositive();
        assertThat(s.events()).isPositive();
        assertThat(s.rejects()).hasSize(10);
    }

    @Test
    void theSameSeed_givesTheSameBytes_andAnotherSeedOtherBytes() {
        byte[] a = new MetricStreamGenerator(42, 0.01, CLOCK).nextRecord(2000);
        byte[] b = new MetricStreamGenerator(42, 0.01, CLOCK).nextRecord(2000);
        byte[] c = new MetricStreamGenerator(43, 0.01, CLOCK).nextRecord(2000);

        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void noBadShare_givesNoRejects() {
        MetricStreamGenerator g = new MetricStreamGenerator(1, 0, CLOCK);
        Parsed p = parse(g.nextRecord(20_000));

        assertThat(p.rejects()).isEmpty();
        assertThat(g.stats().rejected()).isZero();
    }

    @Test
    void everyLineBad_whenTheShareIsOne() {
        MetricStreamGenerator g = new MetricStreamGenerator(1, 1, CLOCK);
        Parsed p = parse(g.nextRecord(1000));

        assertThat(p.points() + p.checks() + p.events()).isZero();
        assertThat(g.stats().rejected()).isEqualTo(1000);
    }

    @Test
    void badShareOutsideZeroToOne_isRefused() {
        assertThatThrownBy(() -> new MetricStreamGenerator(1, 1.5, CLOCK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.5");
    }

    @Test
    void aShareOfRecordsIsJson_andTheOthersNeverLookLikeJson() {
        // The Kinesis handler reads records as AUTO: JSON only when the first byte is '{' or '['.
        MetricStreamGenerator g = new MetricStreamGenerator(3, 0.5, CLOCK);
        int json = 0;
        for (int i = 0; i < 500; i++) {
            byte[] record = g.nextRecord(5);
            if (record[0] == '{') {
                json++;
                // Every object is read on its own: a bad one is its own reject, never BAD_JSON.
                assertThat(parse(record).lines()).isEqualTo(5);
                assertThat(parse(record).rejects()).doesNotContainKey(RejectReason.BAD_JSON);
            } else {
                assertThat(record[0]).isNotEqualTo((byte) '[');
            }
        }
        assertThat(json).isBetween(25, 80); // 10 % of 500, give or take
        assertThat(g.stats().jsonLines()).isEqualTo(json * 5L);
    }

    @Test
    void theStreamHasAFewThousandSeries_asARealFleet() {
        // Series: name, type and the sorted tag set, as the parser hands them to the store.
        MetricStreamGenerator g = new MetricStreamGenerator(5, 0, CLOCK);
        java.util.Set<String> series = new java.util.HashSet<>();
        for (int r = 0; r < 200; r++) {
            byte[] payload = g.nextRecord(1000);
            new PayloadParser(ParseLimits.DEFAULTS).parse(payload, 0, payload.length, PayloadFormat.AUTO, l -> {
                if (l.kind == dev.dbre.ingest.ParsedLine.Kind.METRIC) {
                    StringBuilder key = new StringBuilder(new String(l.buf, l.nameOff, l.nameLen))
                            .append('|')
                            .append(l.type);
                    java.util.List<String> tags = new java.util.ArrayList<>();
                    for (int i = 0; i < l.tagCount; i++) {
                        tags.add(new String(l.buf, l.tagOff[i], l.tagLen[i]));
                    }
                    java.util.Collections.sort(tags);
                    series.add(key.append(tags).toString());
                }
            });
        }

        // 11 names x 2 envs x 40 hosts (each with its service and region) x 4 endpoints x canary or not.
        assertThat(series).hasSizeBetween(1_000, 11 * 2 * 40 * 4 * 2);
    }

    @Test
    void timestamps_areRelativeToTheClock_mostFreshAndAFewLateByOneToThreeHours() {
        MetricStreamGenerator g = new MetricStreamGenerator(11, 0, CLOCK);
        long now = CLOCK.instant().getEpochSecond();
        java.util.List<Long> ages = new java.util.ArrayList<>();
        for (int r = 0; r < 100; r++) {
            byte[] payload = g.nextRecord(1000);
            new PayloadParser(ParseLimits.DEFAULTS).parse(payload, 0, payload.length, PayloadFormat.AUTO, l -> {
                if (l.timestamp != ParsedLine.NO_TIMESTAMP) {
                    ages.add(now - l.timestamp);
                }
            });
        }

        assertThat(ages)
                .isNotEmpty()
                .allSatisfy(age -> assertThat(age).isBetween(0L, (long) MetricStreamGenerator.LATE_SPREAD_SECONDS));
        List<Long> late = ages.stream()
                .filter(age -> age > MetricStreamGenerator.RECENT_LAG_SECONDS)
                .toList();
        // A late point is in a closed hour, whatever the minute: maintenance always has one to roll up.
        assertThat(late)
                .isNotEmpty()
                .allSatisfy(
                        age -> assertThat(age).isGreaterThanOrEqualTo((long) MetricStreamGenerator.LATE_MIN_SECONDS));
        // One in twenty late: over a few thousand stamped lines, well inside 2 % to 8 %.
        assertThat((double) late.size() / ages.size()).isBetween(0.02, 0.08);
    }
}
