package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DrillsCommandTest {
    static final String POLICY =
            Path.of("../../docs/examples/backup-policy-local.json").toString();

    @Test
    void afterASnapshot_drillsUntilDone_drillTheLocalDatabase_andPrintItsLastVerifiedDrill() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(tmp);
        Path home = Files.createTempDirectory(tmp, "drills");
        Cli snapshot = Cli.run("snapshot", "--policy", POLICY, "--home", home.toString());
        assertThat(snapshot.exitCode()).as(snapshot.out() + snapshot.err()).isZero();
        // The first run's recovery point: the base backup it took, completed before the run ended.
        assertThat(snapshot.out())
                .containsPattern("rpo    local snapshot: [0-9]+ s behind \\(objective 3600 s\\)\\R")
                .doesNotContain("OVER");

        Cli drills = Cli.run("drills", "--policy", POLICY, "--home", home.toString(), "--until-done");
        Cli again = Cli.run("drills", "--policy", POLICY, "--home", home.toString());

        assertThat(drills.exitCode()).as(drills.out() + drills.err()).isZero();
        assertThat(drills.out())
                .contains("\"started\":[{\"database\":\"local\",\"kind\":\"pitr\"")
                .contains("\"state\":\"CLEANED_UP\"")
                .containsPattern("local local: last verified drill \\S+ \\(pitr, [0-9.]+ s\\); last 30 days: 1 drills,"
                        + " 1 verified");
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).as("verified today: not due again").contains("\"started\":[]");
    }

    @Test
    void anInvalidPolicy_exitsOneNamingTheField() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(tmp);
        Path bad = Files.createTempFile(tmp, "bad", ".yaml");
        Files.writeString(
                bad,
                "name: x\nselection: {region: local}\nschedule: daily\nretention: {daily: 1}\n"
                        + "drill: {every: 1d, kinds: [tape]}\n");

        Cli r = Cli.run(
                "drills",
                "--policy",
                bad.toString(),
                "--home",
                tmp.resolve("unused").toString());

        assertThat(r.exitCode()).isEqualTo(DbreCommand.EXIT_FAILURE);
        assertThat(r.err()).contains("drill.kinds[0]: must be pitr, snapshot or copy");
        assertThat(tmp.resolve("unused")).doesNotExist();
    }
}
