package dev.dbre.local;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code dbre}: the command line of the local runtime. Subcommands: {@code parse}, {@code
 * migrate}, {@code ingest}, {@code snapshot}. Exit codes: 0 success, 1 runtime failure, 2 usage error.
 */
@Command(
        name = "dbre",
        mixinStandardHelpOptions = true,
        versionProvider = DbreCommand.Version.class,
        description = "The dbre-functions command line: parse metric lines, apply the schema, ingest a file.",
        subcommands = {
            ParseCommand.class,
            MigrateCommand.class,
            IngestCommand.class,
            SnapshotCommand.class,
            RotateCommand.class,
            RestoreCommand.Restore.class,
            RestoreCommand.Drill.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success (rejected lines are not a failure)",
            "1:runtime failure (unreadable file, database unreachable, migration failed, bad configuration)",
            "2:usage error (unknown command or option, bad option value)"
        })
public final class DbreCommand implements Runnable {
    /** The exit codes, as documented in {@code --help}. */
    public static final int EXIT_OK = 0;

    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    final InputStream in;
    final PrintStream out;
    /** Progress and notes: stdout carries only the command's result. */
    final PrintStream err;

    final Env env;

    DbreCommand(InputStream in, PrintStream out, PrintStream err, Env env) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.env = env;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "a command is required (parse, migrate, ingest, snapshot)");
    }

    public static void main(String[] args) {
        Logs.useDefaultConfiguration();
        System.exit(execute(args, System.in, System.out, System.err, System.getenv()));
    }

    /**
     * Runs one command line with the given streams and environment (tests call this directly).
     *
     * @return the exit code: {@value #EXIT_OK}, {@value #EXIT_FAILURE} or {@value #EXIT_USAGE}
     */
    public static int execute(
            String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> environment) {
        CommandLine cmd = new CommandLine(new DbreCommand(in, out, err, new Env(environment)));
        cmd.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cmd.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("dbre " + commandLine.getCommandName() + ": " + describe(ex));
            return EXIT_FAILURE;
        });
        return cmd.execute(args);
    }

    /** One line naming what went wrong: the message chain, never a stack trace. */
    static String describe(Throwable ex) {
        if (ex instanceof ConfigException) {
            return ex.getMessage();
        }
        StringBuilder b = new StringBuilder();
        for (Throwable t = ex; t != null && b.length() < 1000; t = t.getCause()) {
            String m = t.getMessage();
            if (m == null || b.indexOf(m) >= 0) {
                continue;
            }
            if (!b.isEmpty()) {
                b.append(": ");
            }
            b.append(m);
        }
        return b.isEmpty() ? ex.getClass().getSimpleName() : b.toString();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = DbreCommand.class.getPackage().getImplementationVersion();
            return new String[] {"dbre " + (v == null ? "(development build)" : v)};
        }
    }
}
