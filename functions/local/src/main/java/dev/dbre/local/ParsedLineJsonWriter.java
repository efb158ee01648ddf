package dev.dbre.local;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.dbre.ingest.MetricType;
import dev.dbre.ingest.ParsedLine;
import dev.dbre.ingest.parse.LineConsumer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Writes each parsed line as JSON objects, one per output line ({@code dbre parse}):
 *
 * <ul>
 *   <li>a metric: {@code {"kind":"metric","name","type","value","rate","tags","ts","container"}},
 *       one object per value of a packed line; a set's value is its member string;
 *   <li>a service check: {@code {"kind":"service_check","name","status","tags","ts","host","message",
 *       "container"}};
 *   <li>an event: {@code {"kind":"event","title","text","ts","host","aggregation_key","priority",
 *       "source_type","alert_type","tags","container"}}, title and text with their {@code \n}
 *       escapes turned into line breaks;
 *   <li>a reject: {@code {"kind":"reject","line","reason","detail"}}.
 * </ul>
 *
 * {@code ts} is Unix seconds or null. Numbers that are whole print without a fraction ({@code 3},
 * not {@code 3.0}), as they were most likely written. Output is buffered: call {@link #flush()}.
 */
final class ParsedLineJsonWriter implements LineConsumer, AutoCloseable {
    private static final JsonFactory JSON = JsonFactory.builder().build();
    /** Beyond 2^53 a double no longer holds every whole number: print it as a double. */
    private static final double EXACT_LONG_LIMIT = 9.007199254740992E15;

    private final JsonGenerator g;

    ParsedLineJsonWriter(OutputStream out) {
        try {
            this.g = JSON.createGenerator(out);
            // One object per line: we write the '\n' ourselves instead of Jackson's root separator.
            g.setRootValueSeparator(null);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void accept(ParsedLine line) {
        try {
            switch (line.kind) {
                case METRIC -> metric(line);
                case SERVICE_CHECK -> serviceCheck(line);
                case EVENT -> event(line);
                case REJECT -> reject(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the output", e);
        }
    }

    private void metric(ParsedLine l) throws IOException {
        if (l.type == MetricType.SET) {
            metricObject(l, Double.NaN, l.member());
            return;
        }
        for (int i = 0; i < l.valueCount; i++) {
            metricObject(l, l.values[i], null);
        }
    }

    private void metricObject(ParsedLine l, double value, String member) throws IOException {
        g.writeStartObject();
        g.writeStringField("kind", "metric");
        g.writeStringField("name", l.name());
        g.writeStringField("type", l.type.code());
        g.writeFieldName("value");
        if (member != null) {
            g.writeString(member);
        } else {
            number(value);
        }
        g.writeFieldName("rate");
        number(l.rate);
        tags(l);
        ts(l);
        g.writeStringField("container", l.container());
        end();
    }

    private void serviceCheck(ParsedLine l) throws IOException {
        g.writeStartObject();
        g.writeStringField("kind", "service_check");
        g.writeStringField("name", l.name());
        g.writeNumberField("status", l.status);
        tags(l);
        ts(l);
        g.writeStringField("host", l.host());
        g.writeStringField("message", l.message());
        g.writeStringField("container", l.container());
        end();
    }

    private void event(ParsedLine l) throws IOException {
        g.writeStartObject();
        g.writeStringField("kind", "event");
        g.writeStringField("title", l.name());
        g.writeStringField("text", l.text());
        ts(l);
        g.writeStringField("host", l.host());
        g.writeStringField("aggregation_key", l.text(l.aggregationKeyOff, l.aggregationKeyLen));
        g.writeStringField("priority", l.text(l.priorityOff, l.priorityLen));
        g.writeStringField("source_type", l.text(l.sourceTypeOff, l.sourceTypeLen));
        g.writeStringField("alert_type", l.text(l.alertTypeOff, l.alertTypeLen));
        tags(l);
        g.writeStringField("container", l.container());
        end();
    }

    private void reject(ParsedLine l) throws IOException {
        g.writeStartObject();
        g.writeStringField("kind", "reject");
        g.writeNumberField("line", l.lineNumber);
        g.writeStringField("reason", l.reason.name());
        g.writeStringField("detail", l.detail);
        end();
    }

    private void tags(ParsedLine l) throws IOException {
        g.writeArrayFieldStart("tags");
        for (int i = 0; i < l.tagCount; i++) {
            g.writeString(l.tag(i));
        }
        g.writeEndArray();
    }

    private void ts(ParsedLine l) throws IOException {
        if (l.hasTimestamp()) {
            g.writeNumberField("ts", l.timestamp);
        } else {
            g.writeNullField("ts");
        }
    }

    private void number(double v) throws IOException {
        boolean negativeZero = v == 0 && Double.doubleToRawLongBits(v) != 0;
        if (v == Math.rint(v) && Math.abs(v) < EXACT_LONG_LIMIT && !negativeZero) {
            g.writeNumber((long) v);
        } else {
            g.writeNumber(v);
        }
    }

    private void end() throws IOException {
        g.writeEndObject();
        g.writeRaw('\n');
    }

    void flush() {
        try {
            g.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the output", e);
        }
    }

    @Override
    public void close() {
        try {
            g.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the output", e);
        }
    }
}
