package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.port.PasswordPolicy;
import dev.dbre.rotation.PasswordGenerator;
import dev.dbre.rotation.PasswordPostgres;
import dev.dbre.rotation.ScramVerifier;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The runbooks cannot rot: every command in docs/runbooks/*.md marked as runnable locally ({@link
 * Runbook}) runs here as written, in order, through the {@code dbre} entry point in-process (the
 * same arguments {@code scripts/dbre} passes), against the local provider and an embedded
 * PostgreSQL, with its exit code and the output it documents checked. Each runbook gets a home of
 * its own (as {@code DBRE_HOME}), so its commands build on one another as they would for a reader.
 * Commands run from the repository root, as the runbooks say: a relative path that names a file
 * there is given to the command as that file. Blocks marked {@code local-pending} are listed.
 */
class RunbookCommandsTest {
    static final Path ROOT = repositoryRoot();
    static final Path RUNBOOKS = ROOT.resolve("docs/runbooks");

    /** The runbooks issue 12 asks for, each with the sections every runbook has. */
    static final List<String> TOPICS = List.of(
            "restore-point-in-time.md",
            "restore-from-snapshot.md",
            "failed-drill.md",
            "backup-over-rpo.md",
            "failed-rotation.md",
            "ingest-falling-behind.md");

    static final List<String> SECTIONS =
            List.of("## Symptoms", "## First five minutes", "## Commands", "## Verify", "## Roll back");

    @Test
    void everyTopicHasARunbook_withEverySection() throws IOException {
        for (String topic : TOPICS) {
            String text = Files.readString(RUNBOOKS.resolve(topic));
            for (String section : SECTIONS) {
                assertThat(text).as(topic).contains("\n" + section + "\n");
            }
            assertThat(Runbook.parse(topic, text).blocks())
                    .as(topic + " has commands the test runs")
                    .isNotEmpty();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyLocalCommand_runsAsWritten() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(RUNBOOKS)) {
            files = list.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(f)));
    }

    private static void run(Path file) throws Exception {
        String name = file.getFileName().toString();
        Runbook runbook = Runbook.parse("docs/runbooks/" + name, Files.readString(file));
        Path work = Path.of(
                        "target",
                        "runbooks",
                        name.replace(".md", ""),
                        UUID.randomUUID().toString())
                .toAbsolutePath();
        Files.createDirectories(work);
        TestDatabase db = PostgresExtension.newDatabase();
        Map<String, String> variables = variables(db, work);
        Map<String, String> env = Map.of(Home.ENV_HOME, work.resolve("home").toString());
        for (Runbook.Block block : runbook.blocks()) {
            for (Runbook.Step step : block.steps()) {
                String where = runbook.file() + ":" + step.line();
                switch (block.kind()) {
                    case PENDING -> System.out.println("pending, not run: " + where + ": " + step.text());
                    case SQL -> sql(where, db, Runbook.expand(where, step.text(), variables), step);
                    case SH -> command(where, env, Runbook.words(where, step.text(), variables), step);
                }
            }
        }
    }

    private static void command(String where, Map<String, String> env, List<String> words, Runbook.Step step) {
        assertThat(words).as(where + ": a local block runs scripts/dbre").isNotEmpty();
        assertThat(words.getFirst())
                .as(where + ": a local block runs scripts/dbre only")
                .isEqualTo("scripts/dbre");
        List<String> args = new ArrayList<>();
        for (String w : words.subList(1, words.size())) {
            args.add(fromRoot(w));
        }
        Cli r = Cli.run(env, new ByteArrayInputStream(new byte[0]), args.toArray(String[]::new));
        String output = r.out() + r.err();
        System.out.println("ran " + where + ": " + step.text() + " -> exit " + r.exitCode() + "\n  "
                + output.strip().replace("\n", "\n  "));
        assertThat(r.exitCode())
                .as(where + ": exit code of " + step.text() + "\n" + output)
                .isEqualTo(step.exit());
        for (String expected : step.expects()) {
            assertThat(output).as(where + ": output of " + step.text()).contains(expected);
        }
    }

    private static void sql(String where, TestDatabase db, String statement, Runbook.Step step) throws Exception {
        StringBuilder rows = new StringBuilder();
        try (Connection c = db.open();
                Statement s = c.createStatement()) {
            if (s.execute(statement)) {
                try (ResultSet rs = s.getResultSet()) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            rows.append(md.getColumnLabel(i))
                                    .append('=')
                                    .append(rs.getString(i))
                                    .append(' ');
                        }
                        rows.append('\n');
                    }
                }
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(where + ": " + statement + "\n" + e.getMessage(), e);
        }
        System.out.println("ran " + where + ": " + statement);
        for (String expected : step.expects()) {
            assertThat(rows.toString()).as(where + ": rows of " + statement).contains(expected);
        }
    }

    /**
     * The variables the runbooks' local blocks use (docs/runbooks/README.md lists them): a migrated
     * database for the records, its user, and a secret file for a role that can log in.
     */
    private static Map<String, String> variables(TestDatabase db, Path work) throws IOException {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("DB_URL", db.jdbcUrl());
        v.put("DB_USER", "postgres");
        String appDb = PasswordPostgres.newDatabase();
        // Roles are the server's, not one database's: one per runbook run.
        String role = "orders_app_" + UUID.randomUUID().toString().substring(0, 8);
        String password = new PasswordGenerator().generate(PasswordPolicy.DEFAULTS);
        PasswordPostgres.admin(
                appDb,
                "CREATE ROLE " + role + " LOGIN PASSWORD '" + ScramVerifier.of(password, new SecureRandom()) + "'");
        Path secret = work.resolve("orders-app-secret.json");
        Files.writeString(
                secret,
                "{\"engine\":\"postgres\",\"host\":\"127.0.0.1\",\"port\":"
                        + PasswordPostgres.server().port() + ",\"username\":\"" + role + "\",\"password\":\""
                        + password + "\",\"dbname\":\"" + appDb + "\",\"ssl\":false}",
                StandardCharsets.UTF_8);
        v.put("SECRET_FILE", secret.toString());
        return v;
    }

    /** A relative path that names a file of the repository is that file (the runbooks run from the root). */
    private static String fromRoot(String word) {
        if (word.startsWith("-") || !word.contains("/") || word.contains(":")) {
            return word;
        }
        Path p = ROOT.resolve(word);
        return Files.exists(p) ? p.toString() : word;
    }

    private static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("docs"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no docs/ above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    // The reader of the blocks.

    @Test
    void reader_takesCommandsExpectationsAndExitCodes_andSkipsTheCloudBlocks() {
        Runbook r = Runbook.parse("x.md", """
                ```sh
                aws rds describe-db-instances
                ```
                ```sh local
                # take one
                scripts/dbre snapshot \\
                  --policy docs/examples/backup-policy-local.json
                # expect: done: created 1
                scripts/dbre restore --source local --at 2000-01-01T00:00:00Z --name x
                # exit: 1
                # expect: TARGET_OUTSIDE_WINDOW
                ```
                ```sh local-pending
                scripts/dbre restore --source local --snapshot s1 --name y
                ```
                ```sql local
                select count(*)
                  from restore_runs;
                -- expect: count=
                ```
                """);

        assertThat(r.blocks())
                .extracting(Runbook.Block::kind)
                .containsExactly(Runbook.Kind.SH, Runbook.Kind.PENDING, Runbook.Kind.SQL);
        List<Runbook.Step> sh = r.blocks().getFirst().steps();
        assertThat(sh).hasSize(2);
        assertThat(sh.get(0).text()).isEqualTo("scripts/dbre snapshot --policy docs/examples/backup-policy-local.json");
        assertThat(sh.get(0).line()).isEqualTo(6);
        assertThat(sh.get(0).expects()).containsExactly("done: created 1");
        assertThat(sh.get(0).exit()).isZero();
        assertThat(sh.get(1).exit()).isEqualTo(1);
        assertThat(sh.get(1).expects()).containsExactly("TARGET_OUTSIDE_WINDOW");
        assertThat(r.blocks().get(2).steps().getFirst().text()).isEqualTo("select count(*) from restore_runs;");
    }

    @Test
    void words_expandVariables_keepQuotes_andRefuseWhatCannotRunInProcess() {
        Map<String, String> v = Map.of("DB_URL", "jdbc:postgresql://127.0.0.1:5432/x");
        assertThat(Runbook.words("x.md:1", "scripts/dbre query 'api.requests{env:prod}' --jdbc-url \"$DB_URL\"", v))
                .containsExactly(
                        "scripts/dbre",
                        "query",
                        "api.requests{env:prod}",
                        "--jdbc-url",
                        "jdbc:postgresql://127.0.0.1:5432/x");
        assertThat(Runbook.words("x.md:1", "a ${DB_URL}/y", v))
                .containsExactly("a", "jdbc:postgresql://127.0.0.1:5432/x/y");
        assertThatThrownBy(() -> Runbook.words("x.md:3", "scripts/dbre migrate --jdbc-url $PGURL", v))
                .hasMessageContaining("x.md:3")
                .hasMessageContaining("$PGURL");
        assertThatThrownBy(() -> Runbook.words("x.md:4", "scripts/dbre secret get a | head", v))
                .hasMessageContaining("x.md:4")
                .hasMessageContaining("pipe");
    }

    @Test
    void aCommandWhoseOutputNoLongerMatches_failsNamingTheRunbookLine() throws IOException {
        Path work = Path.of("target", "runbooks", "rot", UUID.randomUUID().toString())
                .toAbsolutePath();
        Files.createDirectories(work);
        Path rotten = Files.writeString(work.resolve("rotten.md"), """
                ```sh local
                scripts/dbre secret list
                # expect: a secret nobody made
                ```
                """);

        assertThatThrownBy(() -> run(rotten))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("docs/runbooks/rotten.md:2")
                .hasMessageContaining("a secret nobody made");
    }
}
