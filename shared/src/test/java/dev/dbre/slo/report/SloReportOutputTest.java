package dev.dbre.slo.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.dbre.slo.ReportFixture;
import dev.dbre.slo.SloReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden files for the JSON and Markdown reports. After an intended change, regenerate them with
 * {@code -Dslo.golden.update=true} and review the diff.
 */
class SloReportOutputTest {
    private static final Path GOLDEN = Path.of("src/test/resources/slo/golden");
    private static final Path SCHEMA = Path.of("../docs/slo-report.schema.json");

    private static final SloReport REPORT = ReportFixture.report();

    @Test
    void json_matchesTheGoldenFile() throws IOException {
        assertGolden("report.json", SloReportJson.write(REPORT));
    }

    @Test
    void markdown_matchesTheGoldenFile() throws IOException {
        assertGolden("report.md", SloReportMarkdown.write(REPORT));
    }

    @Test
    void json_isValidAgainstTheDocumentedSchema() throws IOException {
        List<Error> errors = schema().validate(SloReportJson.write(REPORT), InputFormat.JSON);
        assertThat(errors).isEmpty();
    }

    @Test
    void schema_refusesAReportThatBreaksIt() throws IOException {
        String broken = SloReportJson.write(REPORT)
                .replaceFirst("\"schemaVersion\" : 2", "\"schemaVersion\" : 1")
                .replaceFirst("\"enoughData\" : (true|false)", "\"enoughData\" : \"yes\"");
        List<Error> errors = schema().validate(broken, InputFormat.JSON);
        assertThat(errors)
                .extracting(e -> e.getInstanceLocation().toString())
                .contains("/schemaVersion", "/slos/0/enoughData");
    }

    private static Schema schema() throws IOException {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(Files.readString(SCHEMA, StandardCharsets.UTF_8));
    }

    static void assertGolden(String name, String actual) throws IOException {
        Path file = GOLDEN.resolve(name);
        if (Boolean.getBoolean("slo.golden.update")) {
            Files.writeString(file, actual, StandardCharsets.UTF_8);
        }
        assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }
}
