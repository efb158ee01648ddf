package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every list of the commands a user reads names every command picocli knows. */
class CommandListsTest {
    static List<String> commands() {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        var cmd = DbreCommand.commandLine(new ByteArrayInputStream(new byte[0]), quiet, quiet, Map.of());
        List<String> names = DbreCommand.commandNames(cmd.getCommandSpec());
        assertThat(names).contains("parse", "snapshot", "restore", "restores", "secret");
        return names;
    }

    @Test
    void topLevelHelp_andTheMissingCommandMessage_nameEveryCommand() {
        Cli help = Cli.run("--help");
        Cli none = Cli.run();

        assertThat(none.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        for (String name : commands()) {
            assertThat(help.out()).containsPattern("(?m)^  " + name + "\\b");
            assertThat(none.err()).containsPattern("a command is required \\(.*\\b" + name + "\\b");
        }
    }

    @Test
    void theScriptHeader_namesEveryCommand() throws Exception {
        String script = Files.readString(Path.of("../../scripts/dbre"));
        for (String name : commands()) {
            assertThat(script).as("scripts/dbre header").contains("#   scripts/dbre " + name + " ");
        }
    }

    @Test
    void theModuleReadmeCommandTable_namesEveryCommand() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (String name : commands()) {
            assertThat(readme).as("functions/local/README.md command table").contains("| `dbre " + name);
        }
    }
}
