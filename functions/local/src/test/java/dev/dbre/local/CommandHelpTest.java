package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --help} of every command prints its help on stdout and nothing on stderr. */
class CommandHelpTest {
    @Test
    void theHelpOfEveryCommand_writesNothingToStderr() {
        List<List<String>> commands = new ArrayList<>();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        collect(
                DbreCommand.commandLine(new ByteArrayInputStream(new byte[0]), quiet, quiet, Map.of()),
                new ArrayList<>(),
                commands);
        assertThat(commands).contains(List.of("query"), List.of("maintain"), List.of("slo-report"));

        // picocli reports a help text it cannot format on System.err itself, not on the command's stream.
        PrintStream systemErr = System.err;
        ByteArrayOutputStream picocliWarnings = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(picocliWarnings, true, StandardCharsets.UTF_8));
            for (List<String> command : commands) {
                List<String> args = new ArrayList<>(command);
                args.add("--help");
                Cli help = Cli.run(args.toArray(String[]::new));
                assertThat(help.exitCode()).as("dbre %s --help", command).isZero();
                assertThat(help.out()).as("dbre %s --help", command).contains("Usage:");
                assertThat(help.err()).as("dbre %s --help", command).isEmpty();
                assertThat(picocliWarnings.toString(StandardCharsets.UTF_8))
                        .as("dbre %s --help on System.err", command)
                        .isEmpty();
            }
        } finally {
            System.setErr(systemErr);
        }
    }

    @Test
    void queryHelp_quotesTheTestedBoundOfThresholdFractions() {
        Cli help = Cli.run("query", "--help");
        assertThat(help.out().replaceAll("\\s+", " ")).contains("within 1 % of the exact value", "gamma = 1.0202");
    }

    @Test
    void maintainHelp_namesTheDailyRollup() {
        assertThat(Cli.run("maintain", "--help").out().replaceAll("\\s+", " "))
                .contains("1-minute, 1-hour and 1-day rows");
    }

    @Test
    void theCommandsOnTheMetricStore_describeTheirDatabaseOptionsAlike() {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        CommandLine dbre = DbreCommand.commandLine(new ByteArrayInputStream(new byte[0]), quiet, quiet, Map.of());
        for (String option : List.of("--jdbc-url", "--user", "--home")) {
            Map<String, List<String>> described = new java.util.TreeMap<>();
            for (String command : List.of("migrate", "ingest", "query", "maintain", "slo-report")) {
                described.put(
                        command,
                        List.of(dbre.getSubcommands()
                                .get(command)
                                .getCommandSpec()
                                .findOption(option)
                                .description()));
            }
            assertThat(described.values().stream().distinct())
                    .as("the help of %s in %s", option, described)
                    .hasSize(1);
        }
        assertThat(String.join(
                        " ",
                        dbre.getSubcommands()
                                .get("query")
                                .getCommandSpec()
                                .findOption("--jdbc-url")
                                .description()))
                .contains(MigrateCommand.ENV_PASSWORD);
    }

    /** Every command and subcommand, as the words that name it (help excepted). */
    private static void collect(CommandLine cmd, List<String> path, List<List<String>> out) {
        for (var e : cmd.getSubcommands().entrySet()) {
            if (e.getKey().equals("help") || !e.getValue().getCommandName().equals(e.getKey())) { // aliases once
                continue;
            }
            List<String> sub = new ArrayList<>(path);
            sub.add(e.getKey());
            out.add(sub);
            collect(e.getValue(), sub, out);
        }
    }
}
