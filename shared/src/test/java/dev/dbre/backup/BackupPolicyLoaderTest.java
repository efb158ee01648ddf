package dev.dbre.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.port.BackupPolicy;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.Retention;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackupPolicyLoaderTest {
    static final String MINIMAL = """
            name: silver
            selection: {region: us-east-1}
            schedule: daily
            retention: {daily: 7}
            """;

    @BeforeAll
    static void tmpdir() throws Exception {
        // surefire points java.io.tmpdir into target/, which a focused run may not have created yet
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    }

    @Test
    void examplePolicies_load_withEveryField() {
        BackupPolicy gold = BackupPolicyLoader.load(Path.of("../docs/examples/backup-policy-gold.yaml"));

        assertThat(gold.name()).isEqualTo("gold");
        assertThat(gold.selection().regions()).containsExactly("eu-west-1", "eu-west-2");
        assertThat(gold.selection().tagKey()).isEqualTo("dbre:backup-policy");
        assertThat(gold.slot()).isEqualTo(Duration.ofHours(1));
        assertThat(gold.retention()).isEqualTo(new Retention(24, 7, 5, 12, 3, 3, Duration.ofDays(1100)));
        assertThat(gold.copy().region()).isEqualTo("eu-central-1");
        assertThat(gold.copy().kmsKeyId()).startsWith("arn:aws:kms:eu-central-1:");
        assertThat(gold.copy().retention()).isEqualTo(new Retention(0, 7, 0, 12, 0, 1, null));
        assertThat(gold.share().accounts()).containsExactly("444455556666");
        assertThat(gold.drill().every()).isEqualTo(Duration.ofDays(7));
        assertThat(gold.drill().maxConcurrent()).isEqualTo(1);
        assertThat(gold.drill().kinds())
                .containsExactly(
                        BackupPolicy.DrillKind.PITR, BackupPolicy.DrillKind.SNAPSHOT, BackupPolicy.DrillKind.COPY);
        assertThat(gold.drill().verify()).hasSize(1);
        assertThat(gold.drill().verify().get(0)).containsEntry("name", "orders present");
        assertThat(gold.drill().database()).isEqualTo("postgres");
        assertThat(gold.objectives()).isEqualTo(new BackupPolicy.Objectives(Duration.ofHours(1), Duration.ofHours(4)));

        BackupPolicy local = BackupPolicyLoader.load(Path.of("../docs/examples/backup-policy-local.json"));
        assertThat(local.selection().databaseIds()).containsExactly("local");
        assertThat(local.selection().byIds()).isTrue();
        assertThat(local.retention().keepAtLeast()).isEqualTo(2);
    }

    @Test
    void drillWithOnlyEvery_getsTheDocumentedDefaults_andNoObjectives() {
        BackupPolicy p = BackupPolicyLoader.parse("p.yaml", MINIMAL + "drill: {every: 14d}\n");

        assertThat(p.drill())
                .isEqualTo(new BackupPolicy.DrillRule(
                        Duration.ofDays(14),
                        1,
                        List.of(BackupPolicy.DrillKind.PITR),
                        List.of(),
                        "postgres",
                        BackupPolicyLoader.DEFAULT_ROW_TOLERANCE,
                        BackupPolicyLoader.DEFAULT_MIN_ROWS));
        assertThat(p.objectives()).isNull();
        assertThat(BackupPolicyLoader.parse("p.yaml", MINIMAL).drill()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "drill: {every: 0d} | p.yaml: drill.every: must be a positive duration, was \"0d\"",
                "drill: {kinds: [pitr]} | p.yaml: drill.every: is required",
                "drill: {every: 7d, maxConcurrent: 0} | p.yaml: drill.maxConcurrent: must be from 1 to 20, was 0",
                "drill: {every: 7d, kinds: [pitr, tape]} | p.yaml: drill.kinds[1]: must be pitr, snapshot or copy, was \"tape\"",
                "drill: {every: 7d, kinds: [pitr, pitr]} | p.yaml: drill.kinds[1]: duplicate \"pitr\"",
                "drill: {every: 7d, kinds: []} | p.yaml: drill.kinds: must list at least one of pitr, snapshot, copy",
                "drill: {every: 7d, kinds: [copy]} | p.yaml: drill.kinds[0]: copy needs a copy rule",
                "drill: {every: 7d, evry: 1d} | p.yaml: drill.evry: unknown field (allowed here: database, every, kinds, maxConcurrent, minRows, rowTolerance, verify)",
                "drill: {every: 7d, verify: [{name: a, expect: {atLeast: 1}}]} | p.yaml: drill.verify[0].sql: is required",
                "drill: {every: 7d, verify: [{name: a, sql: select 1, expect: 1}]} | p.yaml: drill.verify[0].expect: must be a mapping of fields, was 1",
                "drill: {every: 7d, rowTolerance: ten} | p.yaml: drill.rowTolerance: must be a fraction from 0 to 10",
                "objectives: {rpo: 1 hour} | p.yaml: objectives.rpo: must be a duration such as 90d",
                "objectives: {rto: 4h, rpa: 1h} | p.yaml: objectives.rpa: unknown field (allowed here: rpo, rto)",
                "objectives: {} | p.yaml: objectives: give rpo, rto or both",
            })
    void badDrillOrObjectives_areRefusedNamingTheField(String added, String message) {
        assertThatThrownBy(() -> BackupPolicyLoader.parse("p.yaml", MINIMAL + added + "\n"))
                .isInstanceOf(PolicyException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void minimalPolicy_getsTheDocumentedDefaults() {
        BackupPolicy p = BackupPolicyLoader.parse("p.yaml", MINIMAL);

        assertThat(p.selection().tagKey()).isEqualTo(BackupPolicyLoader.DEFAULT_TAG_KEY);
        assertThat(p.selection().tagValue()).isEqualTo("silver");
        assertThat(p.slot()).isEqualTo(Duration.ofDays(1));
        assertThat(p.retention()).isEqualTo(new Retention(0, 7, 0, 0, 0, 1, null));
        assertThat(p.copy()).isNull();
        assertThat(p.share()).isNull();
        assertThat(p.selection()
                        .selects(new DatabaseRef(
                                "a", "rds-instance", "us-east-1", Map.of("dbre:backup-policy", "silver"), false)))
                .isTrue();
        assertThat(p.selection()
                        .selects(new DatabaseRef(
                                "a", "rds-instance", "us-west-2", Map.of("dbre:backup-policy", "silver"), false)))
                .isFalse();
        assertThat(p.selection().selects(new DatabaseRef("b", "rds-instance", "us-east-1", Map.of(), false)))
                .isFalse();
    }

    @Test
    void copyWithoutRetention_usesThePolicysRetention() {
        BackupPolicy p = BackupPolicyLoader.parse("p.yaml", MINIMAL + "copy: {region: us-west-2}\n");

        assertThat(p.copy().retention()).isEqualTo(p.retention());
        assertThat(p.copy().kmsKeyId()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "every: 15m | 15",
                "every: 6h | 360",
                "every: PT30M | 30",
                "every: 2d | 2880",
                "hourly | 60",
            })
    void schedules_parse(String schedule, long minutes) {
        String text = MINIMAL.replace(
                "schedule: daily",
                schedule.startsWith("every") ? "schedule: {" + schedule + "}" : "schedule: " + schedule);

        assertThat(BackupPolicyLoader.parse("p.yaml", text).slot()).isEqualTo(Duration.ofMinutes(minutes));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // what to replace in MINIMAL | with what | the expected message
                "retention: {daily: 7} | retention: {daily: x} | p.yaml: retention.daily: must be a whole number >= 0, was \"x\"",
                "retention: {daily: 7} | retention: {daily: -1} | p.yaml: retention.daily: must be a whole number >= 0 and <= 100000, was -1",
                "retention: {daily: 7} | retention: {daily: 2.5} | p.yaml: retention.daily: must be a whole number >= 0 and <= 100000, was 2.5",
                "retention: {daily: 7} | retention: {dialy: 7} | p.yaml: retention.dialy: unknown field (allowed here: daily, hourly, keepAtLeast, maxAge, monthly, weekly, yearly)",
                "retention: {daily: 7} | retention: {daily: 7, maxAge: 3 months} | p.yaml: retention.maxAge: must be a duration such as 90d",
                "retention: {daily: 7} | retention: {daily: 7, maxAge: P1Y} | p.yaml: retention.maxAge: must be a duration",
                "retention: {daily: 7} | retention: 7 | p.yaml: retention: must be a mapping of fields, was 7",
                "retention: {daily: 7} | '' | p.yaml: retention: is required",
                "schedule: daily | schedule: {every: 7m} | p.yaml: schedule.every: must be hourly, daily, or a whole number of minutes that divides a day",
                "schedule: daily | schedule: {every: 1h, at: 5} | p.yaml: schedule.at: unknown field",
                "schedule: daily | schedule: weekly-ish | p.yaml: schedule: must be a duration",
                "name: silver | name: 'has space' | p.yaml: name: must be 1-64 letters",
                "name: silver | name: 12 | p.yaml: name: must be text, was the number 12",
                "name: silver | colour: blue | p.yaml: colour: unknown field",
                "selection: {region: us-east-1} | selection: {} | p.yaml: selection: region (or regions) is required",
                "selection: {region: us-east-1} | selection: {region: a, regions: [b]} | p.yaml: selection: give either region or regions, not both",
                "selection: {region: us-east-1} | selection: {region: a, databases: []} | p.yaml: selection.databases: must list at least one database id",
                "selection: {region: us-east-1} | selection: {region: a, databases: [x, x]} | p.yaml: selection.databases[1]: duplicate \"x\"",
                "selection: {region: us-east-1} | selection: {region: a, databases: [x], tag: {value: y}} | p.yaml: selection: give either tag or databases, not both",
                "selection: {region: us-east-1} | selection: {region: a, tag: {name: y}} | p.yaml: selection.tag.name: unknown field",
            })
    void badPolicies_areRefused_namingFileFieldAndProblem(String from, String to, String message) {
        String text = MINIMAL.replace(from, to);

        assertThatThrownBy(() -> BackupPolicyLoader.parse("p.yaml", text))
                .isInstanceOf(PolicyException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void badCopyAndShare_areRefused() {
        assertThatThrownBy(() -> BackupPolicyLoader.parse("p.yaml", MINIMAL + "copy: {region: us-east-1}\n"))
                .hasMessage(
                        "p.yaml: copy.region: must differ from the regions the databases are in, was \"us-east-1\"");
        assertThatThrownBy(() -> BackupPolicyLoader.parse("p.yaml", MINIMAL + "copy: {kmsKeyId: k}\n"))
                .hasMessage("p.yaml: copy.region: is required");
        assertThatThrownBy(() ->
                        BackupPolicyLoader.parse("p.yaml", MINIMAL + "copy: {region: b, retention: {weekly: w}}\n"))
                .hasMessage("p.yaml: copy.retention.weekly: must be a whole number >= 0, was \"w\"");
        assertThatThrownBy(() -> BackupPolicyLoader.parse("p.yaml", MINIMAL + "share: {accounts: [444455556666]}\n"))
                .hasMessageStartingWith("p.yaml: share.accounts[0]: must be text, was the number")
                .hasMessageContaining("quote it");
        String many = String.join(
                ",",
                java.util.stream.IntStream.range(0, 21)
                        .mapToObj(i -> "'a" + i + "'")
                        .toList());
        assertThatThrownBy(() -> BackupPolicyLoader.parse("p.yaml", MINIMAL + "share: {accounts: [" + many + "]}\n"))
                .hasMessage("p.yaml: share.accounts: at most 20 accounts (the RDS limit), was 21");
    }

    @Test
    void notYaml_duplicateKeys_andEmptyFiles_areRefusedWithAPosition() {
        assertThatThrownBy(() -> BackupPolicyLoader.parse("p.yaml", "name: [unclosed\n"))
                .isInstanceOf(PolicyException.class)
                .hasMessageStartingWith("p.yaml: not valid YAML/JSON: line ");
        assertThatThrownBy(() -> BackupPolicyLoader.parse("p.yaml", MINIMAL + "retention: {daily: 1}\n"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("p.yaml: not valid YAML/JSON: line 5")
                .hasMessageContaining("retention");
        assertThatThrownBy(() -> BackupPolicyLoader.parse("p.yaml", ""))
                .hasMessage("p.yaml: is empty: a policy needs name, selection, schedule and retention");
        assertThatThrownBy(() -> BackupPolicyLoader.parse("p.yaml", "- a\n- b\n"))
                .hasMessage("p.yaml: must be a mapping of fields, was a list");
    }

    @Test
    void jsonIsAccepted(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("policy.json");
        Files.writeString(f, """
                {"name": "j", "selection": {"databases": ["db-1"], "regions": ["r1", "r2"]},
                 "schedule": {"every": "PT1H"}, "retention": {"hourly": 3, "keepAtLeast": 0, "maxAge": "2d"}}
                """);

        BackupPolicy p = BackupPolicyLoader.load(f);

        assertThat(p.selection().databaseIds()).isEqualTo(List.of("db-1"));
        assertThat(p.retention()).isEqualTo(new Retention(3, 0, 0, 0, 0, 0, Duration.ofDays(2)));
    }

    @Test
    void errorsName_theFileAsGiven(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("policy.yaml");
        Files.writeString(f, MINIMAL.replace("daily: 7", "daily: \"7\""));

        assertThatThrownBy(() -> BackupPolicyLoader.load(f))
                .isInstanceOf(PolicyException.class)
                .hasMessage(f + ": retention.daily: must be a whole number >= 0, was \"7\"")
                .satisfies(e -> assertThat(((PolicyException) e).field()).isEqualTo("retention.daily"));
    }
}
