package dev.dbre.local;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.UrlCredentials;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code dbre}: the command line of the local runtime. The commands are the {@code subcommands}
 * below; every list of them shown to a user is generated from that one list. Exit codes: 0
 * success, 1 runtime failure, 2 usage error.
 */
@Command(
        name = "dbre",
        mixinStandardHelpOptions = true,
        versionProvider = DbreCommand.Version.class,
        description = "The dbre-functions command line: each function of dbre-functions, run on this machine"
                + " against an embedded or a given PostgreSQL.",
        subcommands = {
            ParseCommand.class,
            MigrateCommand.class,
            IngestCommand.class,
            QueryCommand.class,
            MaintainCommand.class,
            SloReportCommand.class,
            SnapshotCommand.class,
            RestoreCommand.Restore.class,
            RestoreCommand.Drill.class,
            DrillsCommand.class,
            RestoresCommand.class,
            RotateCommand.class,
            SecretCommand.class,
            InvokeCommand.class,
            CommandLine.HelpCommand.class
        },
        footerHeading = "%nLocal state:%n",
        footer = "Kept under one home folder: --home DIR, else $" + Home.ENV_HOME
                + " (scripts/dbre sets it to <project>/.dbre, so any directory works).",
        exitCodeListHeading = "%nExit codes (every command):%n",
        exitCodeList = {
            "0:success (rejected lines are not a failure)",
            "1:runtime failure: one line on stderr says what and what to do (--verbose adds the cause)",
            "2:usage error: unknown command or option, missing option, bad option value"
        })
public final class DbreCommand implements Runnable {
    /** The exit codes, as documented in {@code --help}. */
    public static final int EXIT_OK = 0;

    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    static final String VERBOSE = "--verbose";

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-v", VERBOSE},
            scope = ScopeType.INHERIT,
            description = "On failure, print the cause's stack trace too; log at DEBUG (else $DBRE_LOG_LEVEL, else"
                    + " no logs).")
    boolean verbose;

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
                spec.commandLine(), "a command is required (" + String.join(", ", commandNames(spec)) + ")");
    }

    /** Whether --verbose was given (it is inherited: any command's copy counts). */
    boolean verbose() {
        return verbose
                || spec.commandLine().getParseResult() != null
                        && spec.commandLine().getParseResult().expandedArgs().stream()
                                .anyMatch(a -> a.equals(VERBOSE) || a.equals("-v"));
    }

    /** The commands, in the order of {@code --help}, without {@code help}. */
    static List<String> commandNames(CommandSpec spec) {
        return spec.subcommands().entrySet().stream()
                .filter(e -> !e.getValue().getCommandSpec().usageMessage().hidden())
                .map(Map.Entry::getKey)
                .filter(n -> !n.equals("help"))
                .distinct()
                .toList();
    }

    public static void main(String[] args) {
        Logs.useDefaultConfiguration(
                List.of(args).contains(VERBOSE) || List.of(args).contains("-v"));
        System.exit(execute(args, System.in, System.out, System.err, System.getenv()));
    }

    /** The command line model, as {@code execute} runs it (the tests read its commands from here). */
    static CommandLine commandLine(InputStream in, PrintStream out, PrintStream err, Map<String, String> environment) {
        CommandLine cmd = new CommandLine(new DbreCommand(in, out, err, new Env(environment)));
        cmd.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cmd.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter e = commandLine.getErr();
            e.println(commandLine.getCommandSpec().qualifiedName() + ": " + describe(ex));
            if (parseResult.expandedArgs().contains(VERBOSE)
                    || parseResult.expandedArgs().contains("-v")) {
                StringWriter trace = new StringWriter();
                ex.printStackTrace(new PrintWriter(trace));
                e.print(UrlCredentials.mask(trace.toString()));
            }
            e.flush();
            return EXIT_FAILURE;
        });
        cmd.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            PrintWriter e = c.getErr();
            e.println(c.getCommandSpec().qualifiedName() + ": " + UrlCredentials.mask(ex.getMessage()));
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, e);
            e.println("See '" + c.getCommandSpec().qualifiedName() + " --help'.");
            e.flush();
            return EXIT_USAGE;
        });
        return cmd;
    }

    /**
     * Runs one command line with the given streams and environment (tests call this directly).
     *
     * @return the exit code: {@value #EXIT_OK}, {@value #EXIT_FAILURE} or {@value #EXIT_USAGE}
     */
    public static int execute(
            String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> environment) {
        return commandLine(in, out, err, environment).execute(args);
    }

    /**
     * One line naming what went wrong, never a stack trace, never a password: a {@link
     * CliException}'s or configuration error's own words, else the message chain, with whether
     * running the command again can help when a database said no.
     */
    static String describe(Throwable ex) {
        if (ex instanceof CliException || ex instanceof ConfigException) {
            return UrlCredentials.mask(ex.getMessage());
        }
        StringBuilder b = new StringBuilder();
        SQLException sql = null;
        for (Throwable t = ex; t != null && b.length() < 1000; t = t.getCause()) {
            if (sql == null && t instanceof SQLException s) {
                sql = s;
            }
            String m = t.getMessage() == null ? null : Databases.firstLine(t.getMessage());
            if (m == null || b.indexOf(m) >= 0) {
                continue;
            }
            if (!b.isEmpty()) {
                b.append(": ");
            }
            b.append(m);
        }
        if (b.isEmpty()) {
            b.append(ex.getClass().getSimpleName());
        }
        if (sql != null) {
            b.append(" (SQLSTATE ")
                    .append(sql.getSQLState())
                    .append("; ")
                    .append(Databases.retryHint(sql))
                    .append(')');
        }
        return UrlCredentials.mask(b.toString());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = DbreCommand.class.getPackage().getImplementationVersion();
            return new String[] {"dbre " + (v == null ? "(development build)" : v)};
        }
    }
}
