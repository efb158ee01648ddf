package dev.dbre.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The deployment configuration: the documented example loads, and each error names its field. */
class DbreConfigTest {
    private static final Path EXAMPLE = Path.of("config/example.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void example_loadsEverySection() {
        DbreConfig c = DbreConfig.load(EXAMPLE);
        assertThat(c.account()).isEqualTo("111122223333");
        assertThat(c.runtime()).isEqualTo("java25");
        assertThat(c.ingest()).get().extracting(DbreConfig.Ingest::batchSize).isEqualTo(500);
        assertThat(c.snapshot())
                .get()
                .extracting(DbreConfig.Snapshot::policyFile)
                .isEqualTo(java.util.Optional.empty());
        assertThat(c.restore().flatMap(DbreConfig.Restore::drill))
                .get()
                .extracting(DbreConfig.Drill::source)
                .isEqualTo("orders");
        assertThat(c.rotation())
                .get()
                .extracting(DbreConfig.Rotation::everyDays)
                .isEqualTo(30);
        assertThat(c.restore().flatMap(DbreConfig.Restore::fleetDrill))
                .get()
                .extracting(DbreConfig.FleetDrill::schedule)
                .isEqualTo("rate(5 minutes)");
        assertThat(c.maintenance())
                .get()
                .extracting(DbreConfig.Maintenance::schedule)
                .isEqualTo("rate(5 minutes)");
        DbreConfig.SloReport slo = c.sloReport().orElseThrow();
        assertThat(slo.specs())
                .isEqualTo(Path.of("../docs/examples/slo").toAbsolutePath().normalize());
        assertThat(slo.schedule()).isEqualTo("rate(1 hour)");
        assertThat(slo.formats()).containsExactly("json", "md", "html");
        assertThat(slo.prefix()).isEqualTo("slo");
    }

    @Test
    void fleetDrillWithoutSnapshotSection_isRefused() throws Exception {
        Path f = editedJson(root -> root.remove("snapshot"));
        assertThatThrownBy(() -> DbreConfig.load(f))
                .hasMessageContaining("restore.fleetDrill: needs the snapshot section");
    }

    @Test
    void maintenanceAndSloReport_takeTheirDefaults() throws Exception {
        Path f = editedJson(root -> {
            root.putObject("maintenance");
            ((ObjectNode) root.get("sloReport")).retain("specs");
        });
        DbreConfig c = DbreConfig.load(f);
        assertThat(c.maintenance().orElseThrow()).isEqualTo(new DbreConfig.Maintenance("rate(5 minutes)", "UTC"));
        DbreConfig.SloReport slo = c.sloReport().orElseThrow();
        assertThat(slo.schedule()).isEqualTo("rate(1 hour)");
        assertThat(slo.prefix()).isEqualTo("slo");
        assertThat(slo.formats()).containsExactly("json", "md", "html");
        assertThat(slo.reportRetentionDays()).isEqualTo(400);
        assertThat(slo.notifyEmail()).isEmpty();
    }

    @Test
    void sloSpecsFolderWithoutYaml_isRefused() throws Exception {
        Path empty = TestFiles.tmp("no-specs");
        Files.writeString(empty.resolve("README.txt"), "not a spec");
        Path f = editedJson(root -> ((ObjectNode) root.get("sloReport")).put("specs", empty.toString()));
        assertThatThrownBy(() -> DbreConfig.load(f))
                .hasMessageContaining("sloReport.specs: " + empty + " holds no .yaml or .yml file");
    }

    @Test
    void sloUnknownFormat_andPrefixWithSlash_areRefused() throws Exception {
        Path format = editedJson(root -> ((ObjectNode) root.get("sloReport"))
                .putArray("formats")
                .add("json")
                .add("pdf"));
        assertThatThrownBy(() -> DbreConfig.load(format))
                .hasMessageContaining("sloReport.formats: must hold json, md or html, has \"pdf\"");
        Path prefix = editedJson(root -> ((ObjectNode) root.get("sloReport")).put("prefix", "/slo/"));
        assertThatThrownBy(() -> DbreConfig.load(prefix))
                .hasMessageContaining("sloReport.prefix: must be an S3 key prefix");
    }

    @Test
    void unknownField_isRefusedWithItsPath() throws Exception {
        Path f = edited("\"batchSize\": 500", "\"batchsize\": 500");
        assertThatThrownBy(() -> DbreConfig.load(f))
                .hasMessageContaining("ingest.batchsize: unknown field (allowed here: streamArn, shards");
    }

    @Test
    void outOfRangeNumber_namesTheLimit() throws Exception {
        Path f = edited("\"maxRecordAgeSeconds\": 21600", "\"maxRecordAgeSeconds\": 30");
        assertThatThrownBy(() -> DbreConfig.load(f))
                .hasMessageContaining("ingest.maxRecordAgeSeconds: must be a whole number from 60 to 604800, was 30");
    }

    @Test
    void jwtWithoutIssuer_isRefused() throws Exception {
        Path f = edited("\"authorizer\": \"iam\"", "\"authorizer\": \"jwt\"");
        assertThatThrownBy(() -> DbreConfig.load(f)).hasMessageContaining("ingest.http.jwtIssuer: is required");
    }

    @Test
    void copyKeyOfAnotherRegion_isRefused() throws Exception {
        Path f = edited("\"copyRegion\": \"eu-central-1\"", "\"copyRegion\": \"eu-west-2\"");
        assertThatThrownBy(() -> DbreConfig.load(f))
                .hasMessageContaining("snapshot.copyKmsKeyArn: must be a key in copyRegion eu-west-2");
    }

    @Test
    void drillOutsideTheNamePrefix_isRefused() throws Exception {
        Path f = edited("\"newNamePrefix\": \"dbre-\"", "\"newNamePrefix\": \"restored-\"");
        assertThatThrownBy(() -> DbreConfig.load(f))
                .hasMessageContaining("restore.drill.request")
                .hasMessageContaining("must start with restore.newNamePrefix \"restored-\"");
    }

    @Test
    void alarmsWithBothEmailAndTopic_isRefused() throws Exception {
        Path f = edited(
                "\"alarms\": {\"email\": \"dbre-oncall@example.com\"}",
                "\"alarms\": {\"email\": \"a@example.com\", \"topicArn\": \"arn:aws:sns:eu-west-1:111122223333:t\"}");
        assertThatThrownBy(() -> DbreConfig.load(f)).hasMessageContaining("alarms: needs exactly one of email");
    }

    @Test
    void missingDatabaseUser_isRefused() throws Exception {
        Path f = edited("\"user\": \"dbre\",", "");
        assertThatThrownBy(() -> DbreConfig.load(f)).hasMessageContaining("database.user: is required");
    }

    @Test
    void runtimeJava21_staysSelectable_andOthersAreRefused() throws Exception {
        assertThat(DbreConfig.load(edited("\"runtime\": \"java25\"", "\"runtime\": \"java21\""))
                        .runtime())
                .isEqualTo("java21");
        assertThat(FunctionPlatform.runtime("java21").getName()).isEqualTo("java21");
        assertThatThrownBy(() -> DbreConfig.load(edited("\"runtime\": \"java25\"", "\"runtime\": \"java17\"")))
                .hasMessageContaining("runtime: must be java25 or java21, was \"java17\"");
    }

    /**
     * The example with one edit, written beside a copy of the drill request (so its path still
     * resolves), with the SLO spec folder made absolute.
     */
    private static Path edited(String from, String to) throws Exception {
        String text = Files.readString(EXAMPLE);
        assertThat(text).contains(from);
        Path dir = TestFiles.tmp("config");
        Files.copy(Path.of("config/drill-orders.json"), dir.resolve("drill-orders.json"));
        String specs = "\"specs\": \"../../docs/examples/slo\"";
        assertThat(text).contains(specs);
        String absolute = "\"specs\": \""
                + Path.of("../docs/examples/slo").toAbsolutePath().normalize() + "\"";
        return Files.writeString(
                dir.resolve("config.json"), text.replace(specs, absolute).replace(from, to));
    }

    /** The example (as {@link #edited}) changed as a JSON tree. */
    private static Path editedJson(Consumer<ObjectNode> edit) throws Exception {
        Path f = edited("\"stackName\": \"dbre\"", "\"stackName\": \"dbre\"");
        ObjectNode root = (ObjectNode) JSON.readTree(Files.readString(f));
        edit.accept(root);
        return Files.writeString(f, JSON.writeValueAsString(root));
    }
}
