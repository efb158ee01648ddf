package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunContextTest {
    @Test
    void figureLines_alignEveryValueInOneColumn_evenWhenANameIsLongerThanTwentyCharacters() {
        Map<String, String> figures = new LinkedHashMap<>();
        figures.put("stored", "23,559 metric values");
        figures.put("SLO rotation-on-schedule", "SLI 100.00%");
        figures.put("SLO ingest-availability-of-the-whole-fleet", "SLI 99.95%");
        figures.put("rollups", "181 minute(s)");

        List<String> lines = RunContext.figureLines(figures);

        int column = "  SLO ingest-availability-of-the-whole-fleet ".length();
        assertThat(lines)
                .containsExactly(
                        "  stored" + " ".repeat(column - 8) + "23,559 metric values",
                        "  SLO rotation-on-schedule" + " ".repeat(column - 26) + "SLI 100.00%",
                        "  SLO ingest-availability-of-the-whole-fleet SLI 99.95%",
                        "  rollups" + " ".repeat(column - 9) + "181 minute(s)");
        assertThat(lines).allSatisfy(line -> assertThat(line.charAt(column - 1)).isEqualTo(' '));
        assertThat(lines).allSatisfy(line -> assertThat(line.charAt(column)).isNotEqualTo(' '));
    }

    @Test
    void figureLines_ofNoFigures_isEmpty() {
        assertThat(RunContext.figureLines(Map.of())).isEmpty();
    }
}
