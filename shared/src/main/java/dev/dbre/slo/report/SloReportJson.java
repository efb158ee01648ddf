package dev.dbre.slo.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.dbre.slo.SloReport;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The report as JSON, in the shape of {@code docs/slo-report.schema.json}: fields in a fixed order,
 * times as ISO-8601 UTC, numbers the data cannot give as null, and numbers rounded to 12
 * significant digits (so 0.3 / 0.005 reads 60, not 59.99999999999999).
 */
public final class SloReportJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .registerModule(new SimpleModule()
                    .addSerializer(Double.class, new Rounded())
                    .addSerializer(double.class, new Rounded()))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private SloReportJson() {}

    private static final class Rounded extends StdSerializer<Double> {
        private static final MathContext DIGITS = new MathContext(12);

        Rounded() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (value.isNaN() || value.isInfinite()) {
                // The evaluator never yields these; refusing keeps the JSON valid if a bug does.
                throw new IllegalStateException("the SLO report holds a number that is not finite: " + value);
            }
            BigDecimal rounded = new BigDecimal(value).round(DIGITS).stripTrailingZeros();
            gen.writeNumber(rounded.scale() < 0 ? rounded.setScale(0) : rounded);
        }
    }

    public static String write(SloReport report) {
        try {
            return MAPPER.writeValueAsString(report) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the SLO report could not be written as JSON", e);
        }
    }
}
