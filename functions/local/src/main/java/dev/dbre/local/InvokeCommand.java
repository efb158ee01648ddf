package dev.dbre.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.config.ConfigException;
import dev.dbre.db.DbSettings;
import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.db.PooledConnectionFactory;
import dev.dbre.embedded.LocalPostgres;
import dev.dbre.obs.LogMetricsPublisher;
import dev.dbre.schema.SchemaMigrator;
import dev.dbre.slo.SloReportConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code dbre invoke <aws|azure|gcp> <function> <event-file>}: runs one handler of one cloud with one
 * event, as {@code sam local invoke} does but without a container, and prints what the platform
 * would get back (Lambda's return value, the Azure function's HTTP response or outcome, the Cloud
 * Function's HTTP status and body) on stdout; progress and logs go to stderr. The functions are
 * those of {@link InvokeFunctions}; {@code --list} prints them.
 *
 * <p>The database is the embedded PostgreSQL kept under {@code <home>/invoke} (started for the call,
 * migrated, stopped after), or the one {@code --jdbc-url} names. The cloud resources a snapshot,
 * restore, drill or rotation event names are played by local stand-ins ({@link InvokeBackup},
 * {@link InvokeSecrets}), each named on stderr.
 */
@Command(
        name = "invoke",
        mixinStandardHelpOptions = true,
        description = {
            "Runs one function's handler with one event file and prints the handler's response (the JSON the"
                    + " platform would get) on stdout; logs and progress go to stderr.",
            "Google Cloud functions run in the real Functions Framework (java-function-invoker) over HTTP on"
                    + " 127.0.0.1. The database is the embedded PostgreSQL kept under <home>/invoke (started,"
                    + " migrated, stopped after), or --jdbc-url.",
            "`--list` names every function of every cloud, its handler, trigger and sample events."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the handler ran and succeeded (its response is on stdout)",
            "1:the handler failed (the error, as the platform would see it, is on stdout), or the database failed",
            "2:usage error: wrong cloud, function, event file or event shape, or a setting the function refuses"
        })
final class InvokeCommand implements Callable<Integer> {
    /** The embedded database's folder under the home, and the database the functions use in it. */
    static final String HOME_DIR = "invoke";

    static final String DATABASE = "dbre";

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    DbreCommand parent;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    Home home = new Home();

    @Parameters(index = "0", arity = "0..1", paramLabel = "CLOUD", description = "aws, azure or gcp.")
    String cloud;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "FUNCTION",
            description = "The function, as its deployment names it (see --list).")
    String function;

    @Parameters(
            index = "2",
            arity = "0..1",
            paramLabel = "EVENT_FILE",
            description = "The event, in the shape the function's trigger delivers (samples in events/<cloud>/).")
    Path eventFile;

    @Option(names = "--list", description = "Print every function of every cloud with its sample events, and exit.")
    boolean list;

    @Option(
            names = "--jdbc-url",
            paramLabel = "URL",
            converter = Databases.UrlConverter.class,
            description = "Run against this database (it must be migrated) instead of the embedded one.")
    String jdbcUrl;

    @Option(names = "--user", paramLabel = "USER", description = "With --jdbc-url: the user (default: postgres).")
    String user;

    @Option(
            names = "--password-file",
            paramLabel = "FILE",
            description = "With --jdbc-url: a file holding the password (its first line); handed to the function"
                    + " as a pgpass file that is deleted after the call.")
    Path passwordFile;

    @Option(
            names = "--env",
            paramLabel = "NAME=VALUE",
            description = "A setting for the function (repeatable), as its app settings or environment would"
                    + " carry it; the database settings are always those of the chosen database.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(
            names = "--at",
            paramLabel = "event|now|INSTANT",
            defaultValue = "event",
            description = "The time the function runs at. event (default): for an ingest function, the newest time"
                    + " the platform stamped on the event (Kinesis arrival, API Gateway request time, Event Hubs"
                    + " enqueued time, Pub/Sub publish time), so a sample is stored as when it was sent rather"
                    + " than refused as TOO_OLD; otherwise, and for events without one, now. now: the wall clock."
                    + " An ISO-8601 instant (2026-11-23T10:00:00Z): that time.")
    String at;

    @Option(
            names = "--structured",
            description = "Google Cloud: send a CloudEvent in structured mode (application/cloudevents+json)"
                    + " instead of binary mode (ce-* headers, as Eventarc delivers Pub/Sub messages).")
    boolean structured;

    @Override
    public Integer call() throws Exception {
        if (list) {
            printList(parent.out);
            return DbreCommand.EXIT_OK;
        }
        InvokeFunctions.Function f = function();
        checkAt();
        JsonNode event = readEvent(f);
        Path base = home.resolve(parent.env).resolve(HOME_DIR);
        if (jdbcUrl != null) {
            String password = readPassword();
            String who = user == null ? "postgres" : user;
            Databases.connect(jdbcUrl, who, password, "ingest_records");
            return invoke(f, event, jdbcUrl, who, password, base);
        }
        parent.err.println("dbre invoke: starting the embedded PostgreSQL under " + base + " ...");
        try (LocalPostgres pg =
                KeptPostgres.open(base.resolve("postgres"), Map.of(), InvokeCommand::create, parent.err)) {
            String url = pg.jdbcUrl(DATABASE);
            InvokeSecrets.requirePassword(pg.dataDir(), JdbcConnectionFactory.of(url, "postgres", null));
            int applied = SchemaMigrator.migrate(url, "postgres", null);
            if (applied > 0) {
                parent.err.println("dbre invoke: applied " + applied + " migration(s)");
            }
            return invoke(f, event, url, "postgres", null, base);
        }
    }

    /** Runs the handler with stdout held for its response: what the function itself prints goes to stderr. */
    private int invoke(
            InvokeFunctions.Function f, JsonNode event, String url, String dbUser, String password, Path base)
            throws Exception {
        Map<String, String> env = functionEnv(f, url, dbUser, base);
        Path pgpass = password == null ? null : pgpass(base, url, dbUser, password);
        String previousPgpass = System.getProperty(PGPASS_PROPERTY);
        PrintStream stdout = System.out;
        InvokeFunctions.Result result;
        try {
            if (pgpass != null) {
                System.setProperty(PGPASS_PROPERTY, pgpass.toString());
            }
            System.setOut(parent.err);
            Clock clock = clock(f, event);
            InvokeTarget target = new InvokeTarget(
                    env, clock, new LogMetricsPublisher(parent.err, clock), !structured, base, url, dbUser, parent.err);
            parent.err.println("dbre invoke: " + f.id() + " (" + f.handler() + ") with " + eventFile);
            result = f.runner().run(eventFile, event, target);
        } catch (ConfigException e) {
            parent.err.println("dbre invoke: " + f.id() + " refuses its settings: " + DbreCommand.describe(e)
                    + " (give it with --env NAME=VALUE)");
            return DbreCommand.EXIT_USAGE;
        } catch (Exception | LinkageError e) {
            // What Lambda returns for an unhandled error; the other platforms log the same two fields.
            ObjectNode error = JSON.createObjectNode();
            error.put("errorType", e.getClass().getSimpleName());
            error.put("errorMessage", DbreCommand.describe(e));
            result = new InvokeFunctions.Result(error.toString(), true);
        } finally {
            System.setOut(stdout);
            if (pgpass != null) {
                restoreProperty(previousPgpass);
                Files.deleteIfExists(pgpass);
            }
        }
        parent.out.println(result.response());
        if (result.failed()) {
            parent.err.println("dbre invoke: " + f.id() + " failed (its response above)");
            return DbreCommand.EXIT_FAILURE;
        }
        return DbreCommand.EXIT_OK;
    }

    /** The clock {@code --at} asks for, said on stderr when it is not the wall clock. */
    private Clock clock(InvokeFunctions.Function f, JsonNode event) {
        Clock wall = Clock.systemUTC();
        Instant runAt;
        String why;
        if (at.equals("now")) {
            return wall;
        } else if (at.equals("event")) {
            Optional<Instant> delivered =
                    f.name().startsWith("ingest-") ? EventTime.deliveredAt(event) : Optional.empty();
            if (delivered.isEmpty()) {
                return wall;
            }
            runAt = delivered.get();
            why = "when the platform delivered the event (--at now for the wall clock)";
        } else {
            runAt = Instant.parse(at); // checked by checkAt()
            why = "as --at asks";
        }
        parent.err.println("dbre invoke: the function runs at " + runAt + ", " + why);
        return EventTime.startingAt(runAt, wall);
    }

    /** PgJDBC reads a password it was not given from this pgpass file. */
    static final String PGPASS_PROPERTY = "org.postgresql.pgpassfile";

    private static void restoreProperty(String previous) {
        if (previous == null) {
            System.clearProperty(PGPASS_PROPERTY);
        } else {
            System.setProperty(PGPASS_PROPERTY, previous);
        }
    }

    /**
     * The function's environment: safe local defaults (a region, a project, the SLO specs of the
     * project's examples, a report folder under the home), then {@code --env}, then the database
     * settings of the chosen database, which always win.
     */
    Map<String, String> functionEnv(InvokeFunctions.Function f, String url, String dbUser, Path base) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_REGION", "us-east-1");
        env.put("GOOGLE_CLOUD_PROJECT", "dbre-local");
        env.put(
                SloReportConfig.OUT,
                base.resolve("slo-report").resolve(f.cloud()).toString());
        Path specs = exampleSpecs(eventFile);
        if (specs != null) {
            env.put(SloReportConfig.SPEC, specs.toString());
        }
        // One connection per pool: each call builds its own pools, as a cold start does.
        env.put(PooledConnectionFactory.POOL_SIZE, "1");
        env.putAll(settings);
        Properties p = org.postgresql.Driver.parseURL(url, new Properties());
        String host = p.getProperty("PGHOST", "localhost");
        env.put(DbSettings.HOST, host);
        env.put(DbSettings.PORT, p.getProperty("PGPORT", "5432"));
        env.put(DbSettings.NAME, p.getProperty("PGDBNAME", DATABASE));
        env.put(DbSettings.USER, dbUser);
        env.put(DbSettings.AUTH, "none");
        env.put(DbSettings.SSLMODE, sslMode(p.getProperty("sslmode"), host));
        return env;
    }

    /** The URL's sslmode when the functions know it; else none on this machine and full verification elsewhere. */
    static String sslMode(String fromUrl, String host) {
        if (fromUrl != null
                && List.of("verify-full", "verify-ca", "require", "disable").contains(fromUrl)) {
            return fromUrl;
        }
        boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
        return loopback ? "disable" : "verify-full";
    }

    /** {@code docs/examples/slo} of the project the event file is in, or null. */
    static Path exampleSpecs(Path eventFile) {
        Path specs = projectFile(eventFile, "docs/examples/slo");
        return specs != null && Files.isDirectory(specs) ? specs : null;
    }

    /** {@code relative} in the nearest folder above the event file that has it (the project's), or null. */
    static Path projectFile(Path eventFile, String relative) {
        for (Path p = eventFile.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            Path candidate = p.resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private InvokeFunctions.Function function() {
        if (cloud == null || function == null || eventFile == null) {
            throw usage(
                    "give CLOUD FUNCTION EVENT_FILE (e.g. `invoke aws ingest-http events/aws/apigw-http-v2-text.json`),"
                            + " or --list");
        }
        String c = cloud.toLowerCase(Locale.ROOT);
        if (!InvokeFunctions.CLOUDS.contains(c)) {
            throw usage("unknown cloud '" + cloud + "': expected one of " + String.join(", ", InvokeFunctions.CLOUDS));
        }
        return InvokeFunctions.find(c, function)
                .orElseThrow(() -> usage("no function '" + function + "' on " + c + ": expected one of "
                        + InvokeFunctions.of(c).stream()
                                .map(InvokeFunctions.Function::name)
                                .collect(Collectors.joining(", "))));
    }

    private void checkAt() {
        if (at.equals("event") || at.equals("now")) {
            return;
        }
        try {
            Instant.parse(at);
        } catch (DateTimeParseException e) {
            throw usage("--at '" + at + "': expected event, now or an ISO-8601 instant such as 2026-11-23T10:00:00Z");
        }
    }

    /** The event file's JSON, checked to be of the function's shape. */
    private JsonNode readEvent(InvokeFunctions.Function f) {
        String expected = "expected " + f.shape().description + ", like events/" + f.cloud() + "/"
                + f.events().getFirst();
        if (!Files.isRegularFile(eventFile)) {
            throw usage("no event file " + eventFile + ": " + expected);
        }
        JsonNode event;
        try {
            event = JSON.readTree(Files.readString(eventFile, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw usage(eventFile + " is not JSON (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + "): " + f.id() + " " + expected);
        } catch (IOException e) {
            throw usage("cannot read " + eventFile + ": " + e.getMessage());
        }
        if (!f.shape().matches(event)) {
            EventShape actual = EventShape.of(f.cloud(), event);
            String looksLike = actual == null
                    ? ""
                    : "; it looks like " + actual.description + ", which "
                            + (actual.cloud.equals(f.cloud()) ? "" : actual.cloud + " ") + takers(actual.cloud, actual)
                            + " take";
            throw usage(eventFile + " is not an event " + f.id() + " takes: " + expected + looksLike);
        }
        return event;
    }

    private static String takers(String cloud, EventShape shape) {
        return InvokeFunctions.of(cloud).stream()
                .filter(g -> g.shape() == shape)
                .map(InvokeFunctions.Function::name)
                .collect(Collectors.joining(", "));
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private String readPassword() throws IOException {
        if (passwordFile == null) {
            return null;
        }
        if (!Files.isReadable(passwordFile)) {
            throw usage("--password-file " + passwordFile + " cannot be read");
        }
        List<String> lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
        return lines.isEmpty() ? "" : lines.getFirst();
    }

    /** A pgpass file (mode 0600) for the one database, so the function logs in without a password setting. */
    private static Path pgpass(Path base, String url, String dbUser, String password) throws IOException {
        Properties p = org.postgresql.Driver.parseURL(url, new Properties());
        Files.createDirectories(base);
        Path file = Files.createTempFile(
                base, "pgpass", "", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        String line = String.join(
                ":",
                pgpassField(p.getProperty("PGHOST", "localhost")),
                pgpassField(p.getProperty("PGPORT", "5432")),
                pgpassField(p.getProperty("PGDBNAME", DATABASE)),
                pgpassField(dbUser),
                pgpassField(password));
        Files.writeString(file, line + "\n", StandardCharsets.UTF_8);
        return file;
    }

    private static String pgpassField(String value) {
        return value.replace("\\", "\\\\").replace(":", "\\:");
    }

    private static void create(LocalPostgres server) throws SQLException {
        try (Connection c = JdbcConnectionFactory.of(server.jdbcUrl("postgres"), "postgres", null)
                        .open();
                Statement s = c.createStatement()) {
            s.execute("create database \"" + DATABASE + "\"");
        }
    }

    /** The registry as a table: one block per cloud, one line per function, its samples under it. */
    static void printList(PrintStream out) {
        for (String c : InvokeFunctions.CLOUDS) {
            out.println(c + ":");
            for (InvokeFunctions.Function f : InvokeFunctions.of(c)) {
                out.printf(
                        Locale.ROOT,
                        "  %-22s %s%n  %-22s   trigger: %s%n  %-22s   runs here on: %s%n",
                        f.name(),
                        f.handler(),
                        "",
                        f.trigger(),
                        "",
                        f.runsOn());
                List<String> files = new ArrayList<>();
                for (String e : f.events()) {
                    files.add("events/" + c + "/" + e);
                }
                out.printf(Locale.ROOT, "  %-22s   events:  %s%n", "", String.join(", ", files));
            }
        }
    }
}
