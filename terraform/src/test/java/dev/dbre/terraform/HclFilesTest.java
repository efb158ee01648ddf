package dev.dbre.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HclFilesTest {
    @Test
    void everyTfFileParses() {
        JsonNode facts = Project.facts();

        assertThat(facts.path("errors").properties()).as("parser errors").isEmpty();
        List<String> parsed = facts.path("files")
                .propertyStream()
                .map(e -> e.getKey())
                .sorted()
                .toList();
        assertThat(parsed).containsExactlyElementsOf(Project.tfFiles());
        assertThat(parsed).contains("modules/azure/main.tf", "modules/gcp/main.tf", "examples/azure/main.tf");
    }

    @Test
    void aSyntaxErrorIsReportedWithFileLineAndColumn() throws IOException {
        Path dir = Project.tempDir();
        Files.createDirectories(dir.resolve("m"));
        Files.writeString(dir.resolve("m/broken.tf"), "variable \"ok\" {}\n\nresource \"a\" \"b\" {\n  x = \n}\n");

        JsonNode facts = Project.scratchFacts(dir);

        assertThat(facts.path("errors").path("m/broken.tf").asText()).contains("broken.tf:4,7");
    }
}
