package dev.dbre.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Each synthesized template (fixed account 111122223333 and Region eu-west-1) equals its checked-in
 * golden file, so every change to what is deployed shows up in review as a diff of the golden
 * JSON. Asset hashes (the jar and the layer: the tests make their own files) are replaced by a
 * placeholder.
 *
 * <p>After an intended change, rewrite the golden files and review the diff:
 * {@code ./mvnw -o test -pl infra-cdk -Dtest=TemplateSnapshotTest -Ddbre.updateGolden=true}.
 */
class TemplateSnapshotTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    @Test
    void fullStack_equalsGoldenTemplate() throws IOException {
        check("dbre.template.json", Stacks.full());
    }

    @Test
    void minimalStack_equalsGoldenTemplate() throws IOException {
        check("dbre-min.template.json", Stacks.minimal());
    }

    private static void check(String name, Stacks.Synthesized s) throws IOException {
        String actual = normalize(JSON.writeValueAsString(s.json())) + "\n";
        Path golden = GOLDEN.resolve(name);
        if (Boolean.getBoolean("dbre.updateGolden")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        assertThat(golden)
                .as("golden file %s (create or update it with -Ddbre.updateGolden=true)", golden)
                .exists();
        assertThat(actual)
                .as(
                        "the synthesized template differs from %s; if intended, rerun with -Ddbre.updateGolden=true"
                                + " and review the diff",
                        golden)
                .isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }

    /** Replaces what depends on the test-made files: asset hashes and the version ids made from them. */
    static String normalize(String template) {
        return template.replaceAll("[0-9a-f]{64}", "<asset-hash>")
                .replaceAll("CurrentVersion([0-9A-F]{8})[0-9a-f]{32}", "CurrentVersion$1<hash>");
    }
}
