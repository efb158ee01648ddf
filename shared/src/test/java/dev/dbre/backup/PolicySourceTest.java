package dev.dbre.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.port.BackupPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicySourceTest {
    static final String GOLD = """
            name: gold
            selection: {databases: [orders], region: eu-west-1}
            schedule: hourly
            retention: {hourly: 24, keepAtLeast: 2}
            """;

    @TempDir
    Path dir;

    @Test
    void neitherVariable_meansNoSource_butRequiredNamesTheVariable() {
        assertThat(PolicySource.fromEnv(new Env(Map.of()), Map.of())).isNull();
        assertThatThrownBy(() -> PolicySource.required(new Env(Map.of()), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("DBRE_BACKUP_POLICY: is required");
    }

    @Test
    void fileVariable_andPolicyVariable_bothReadFiles() throws IOException {
        Path file = Files.writeString(dir.resolve("gold.yaml"), GOLD);
        Env legacy = new Env(Map.of(PolicySource.POLICY_FILE, file.toString()));
        Env current = new Env(Map.of(PolicySource.POLICY, "file:" + file));

        assertThat(PolicySource.fromEnv(legacy, Map.of()).load().name()).isEqualTo("gold");
        assertThat(PolicySource.fromEnv(current, Map.of()).load().retention().hourly())
                .isEqualTo(24);
    }

    @Test
    void bothVariables_areRefused() {
        Env env = new Env(Map.of(PolicySource.POLICY, "a.yaml", PolicySource.POLICY_FILE, "b.yaml"));
        assertThatThrownBy(() -> PolicySource.fromEnv(env, Map.of())).hasMessageContaining("not both");
    }

    @Test
    void aStoreThisRuntimeCannotRead_isRefusedNamingWhoReadsIt() {
        Env env = new Env(Map.of(PolicySource.POLICY, "gs://cfg-bucket/gold.yaml"));
        assertThatThrownBy(() -> PolicySource.fromEnv(env, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DBRE_BACKUP_POLICY")
                .hasMessageContaining("read by the Google Cloud functions");
    }

    @Test
    void locate_parsesAndChecksTheLocation_withoutAReader() {
        Env env = new Env(Map.of(PolicySource.POLICY, "ssm:/dbre/backup-policy"));

        PolicySource.Setting setting = PolicySource.locate(env, java.util.Set.of(PolicyLocation.Kind.SSM));

        assertThat(setting.variable()).isEqualTo(PolicySource.POLICY);
        assertThat(setting.location()).isEqualTo(PolicyLocation.parse("ssm:/dbre/backup-policy"));
        assertThat(PolicySource.locate(new Env(Map.of()), java.util.Set.of())).isNull();
        assertThatThrownBy(() -> PolicySource.locate(env, java.util.Set.of(PolicyLocation.Kind.S3)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("DBRE_BACKUP_POLICY: ")
                .hasMessageContaining("read by the AWS functions");
    }

    @Test
    void theCloudsReader_isUsedForItsKind() {
        Env env = new Env(Map.of(PolicySource.POLICY, "s3://cfg/gold.yaml"));
        PolicyReader s3 = location -> location.container().equals("cfg") ? GOLD : "";
        BackupPolicy policy =
                PolicySource.fromEnv(env, Map.of(PolicyLocation.Kind.S3, s3)).load();
        assertThat(policy.name()).isEqualTo("gold");
    }

    @Test
    void unreadableOrInvalidPolicy_namesVariableLocationAndField() throws IOException {
        Env missing =
                new Env(Map.of(PolicySource.POLICY, dir.resolve("nope.yaml").toString()));
        assertThatThrownBy(() -> PolicySource.fromEnv(missing, Map.of()).load())
                .hasMessageContaining("DBRE_BACKUP_POLICY: cannot read backup policy")
                .hasMessageContaining("nope.yaml: no such file");

        Path bad = Files.writeString(dir.resolve("bad.yaml"), GOLD.replace("hourly: 24", "hourly: x"));
        Env invalid = new Env(Map.of(PolicySource.POLICY, bad.toString()));
        assertThatThrownBy(() -> PolicySource.fromEnv(invalid, Map.of()).load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad.yaml")
                .hasMessageContaining("retention.hourly");

        PolicyReader denied = location -> {
            throw new IOException("access denied: grant s3:GetObject");
        };
        Env s3 = new Env(Map.of(PolicySource.POLICY, "s3://cfg/gold.yaml"));
        assertThatThrownBy(() -> PolicySource.fromEnv(s3, Map.of(PolicyLocation.Kind.S3, denied))
                        .load())
                .hasMessageContaining("s3://cfg/gold.yaml: access denied: grant s3:GetObject");
    }

    @Test
    void aRuntimeReadingFilesOnly_readsAFileAndRefusesACloudLocationNamingIt() throws IOException {
        Map<PolicyLocation.Kind, PolicyReader> filesOnly = Map.of(PolicyLocation.Kind.S3, PolicyReader.FILES_ONLY);
        Path gold = Files.writeString(dir.resolve("gold.yaml"), GOLD);
        assertThat(PolicySource.fromEnv(new Env(Map.of(PolicySource.POLICY, gold.toString())), filesOnly)
                        .load()
                        .name())
                .isEqualTo("gold");

        Env s3 = new Env(Map.of(PolicySource.POLICY, "s3://cfg/gold.yaml"));
        assertThatThrownBy(() -> PolicySource.fromEnv(s3, filesOnly).load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DBRE_BACKUP_POLICY")
                .hasMessageContaining("s3://cfg/gold.yaml: this runtime reads policy files only");
    }
}
