package dev.dbre.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * scripts/deploy-azure and scripts/deploy-gcp in --dry-run, with an already built app folder / jar
 * (the environment overrides) so that the test does not run Maven inside Maven: the package is made
 * for real, the cloud commands are only printed.
 */
class DeployScriptTest {
    private static final Pattern BUILT = Pattern.compile("built (\\S+\\.zip)");

    /** The function names modules/azure wires, the maintenance step and SLO report among them. */
    static final List<String> AZURE_FUNCTIONS = List.of(
            "ingest-eventhubs",
            "ingest-http",
            "snapshot-timer",
            "restore-submit",
            "restore-advance",
            "restore-drill-timer",
            "rotate-keyvault",
            "maintenance",
            "slo-report");

    /** The entry points modules/gcp deploys. */
    static final List<String> GCP_ENTRY_POINTS = List.of(
            "dev.dbre.gcp.ingest.PubSubIngestFunction",
            "dev.dbre.gcp.ingest.HttpIngestFunction",
            "dev.dbre.gcp.backup.SnapshotFunction",
            "dev.dbre.gcp.restore.RestoreFunction",
            "dev.dbre.gcp.restore.DrillFunction",
            "dev.dbre.gcp.maintenance.MaintenanceFunction",
            "dev.dbre.gcp.slo.SloReportFunction",
            "dev.dbre.gcp.rotation.SecretRotationFunction");

    @Test
    void azureDryRunPackagesTheAppWithTheDrillRequestAndPrintsTheApply() throws IOException {
        Path dir = Project.tempDir();
        Path app = Files.createDirectories(dir.resolve("app/lib"));
        Files.writeString(dir.resolve("app/host.json"), "{\"version\": \"2.0\"}");
        Files.writeString(app.resolve("dbre-shared.jar"), "jar");
        functionFolders(dir.resolve("app"), AZURE_FUNCTIONS);
        Path tf = Files.createDirectories(dir.resolve("tf"));
        Files.writeString(tf.resolve("drill-request.json"), "{\"drill\": true}");

        Tools.Result r = Tools.run(
                List.of(
                        "bash",
                        Tools.ROOT.resolve("scripts/deploy-azure").toString(),
                        "--dry-run",
                        "--tf-dir",
                        tf.toString(),
                        "--",
                        "-auto-approve"),
                Map.of(
                        "DBRE_DEPLOY_APP_DIR",
                        dir.resolve("app").toString(),
                        "DBRE_DEPLOY_BUILD_DIR",
                        dir.resolve("build").toString()),
                120);

        assertThat(r.exit()).as(r.stderr()).isZero();
        Path zip = builtZip(r.stdout());
        assertThat(zip.getFileName().toString()).matches("dbre-azure-[0-9a-f]{12}\\.zip");
        try (ZipFile z = new ZipFile(zip.toFile())) {
            assertThat(z.getEntry("host.json")).isNotNull();
            assertThat(z.getEntry("lib/dbre-shared.jar")).isNotNull();
            assertThat(new String(z.getInputStream(z.getEntry("dbre/drill-request.json"))
                            .readAllBytes()))
                    .isEqualTo("{\"drill\": true}");
            // Without a slo/ folder in the tf dir, the product's own spec set goes in.
            for (String spec : List.of("ingest.yaml", "backup.yaml", "drill.yaml", "rotation.yaml")) {
                assertThat(new String(
                                z.getInputStream(z.getEntry("dbre/slo/" + spec)).readAllBytes()))
                        .isEqualTo(Files.readString(Tools.ROOT.resolve("docs/examples/slo/" + spec)));
            }
        }
        for (String name : AZURE_FUNCTIONS) {
            assertThat(r.stdout()).contains("\n  " + name + "\n");
        }
        assertThat(r.stdout())
                .contains("would run: terraform -chdir=" + tf + " init -input=false")
                .contains(
                        "would run: terraform -chdir=" + tf + " apply -var function_package=" + zip + " -auto-approve");
    }

    @Test
    void azurePackageWithoutAWiredFunction_isRefusedNamingIt() throws IOException {
        Path dir = Project.tempDir();
        Files.createDirectories(dir.resolve("app"));
        Files.writeString(dir.resolve("app/host.json"), "{\"version\": \"2.0\"}");
        functionFolders(
                dir.resolve("app"),
                AZURE_FUNCTIONS.stream().filter(n -> !n.equals("slo-report")).toList());
        Path tf = Files.createDirectories(dir.resolve("tf"));
        Files.createDirectories(tf.resolve("slo"));
        Files.writeString(tf.resolve("slo/mine.yaml"), "apiVersion: openslo/v1\n");

        Tools.Result r = Tools.run(
                List.of(
                        "bash",
                        Tools.ROOT.resolve("scripts/deploy-azure").toString(),
                        "--dry-run",
                        "--tf-dir",
                        tf.toString()),
                Map.of(
                        "DBRE_DEPLOY_APP_DIR",
                        dir.resolve("app").toString(),
                        "DBRE_DEPLOY_BUILD_DIR",
                        dir.resolve("build").toString()),
                120);

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.stdout()).contains("  slo-report  -- MISSING from the package");
        assertThat(r.stderr()).contains("the package lacks functions modules/azure wires");
        assertThat(r.stdout()).doesNotContain("would run");
    }

    @Test
    void azureRefusesAFolderThatIsNoFunctionApp() throws IOException {
        Path dir = Project.tempDir();
        Files.createDirectories(dir.resolve("app"));

        Tools.Result r = Tools.run(
                List.of("bash", Tools.ROOT.resolve("scripts/deploy-azure").toString(), "--dry-run"),
                Map.of(
                        "DBRE_DEPLOY_APP_DIR",
                        dir.resolve("app").toString(),
                        "DBRE_DEPLOY_BUILD_DIR",
                        dir.resolve("build").toString()),
                120);

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.stderr()).contains("holds no host.json");
    }

    @Test
    void gcpDryRunBuildsAThinJarArchiveAndPrintsTheServiceAgentAndApply() throws IOException {
        Path dir = Project.tempDir();
        Path libs = Files.createDirectories(dir.resolve("libs"));
        writeJar(dir.resolve("dbre-gcp.jar"), GCP_ENTRY_POINTS);
        for (int i = 0; i < 30; i++) {
            writeJar(libs.resolve("dependency-with-a-long-name-" + i + ".jar"), List.of());
        }
        Path tf = Files.createDirectories(dir.resolve("tf"));
        Files.writeString(tf.resolve("terraform.tfvars"), "project_id = \"dbre-test-1\"\n");

        Tools.Result r = Tools.run(
                List.of(
                        "bash",
                        Tools.ROOT.resolve("scripts/deploy-gcp").toString(),
                        "--dry-run",
                        "--tf-dir",
                        tf.toString()),
                Map.of(
                        "DBRE_DEPLOY_GCP_JAR",
                        dir.resolve("dbre-gcp.jar").toString(),
                        "DBRE_DEPLOY_GCP_LIBS",
                        libs.toString(),
                        "DBRE_DEPLOY_BUILD_DIR",
                        dir.resolve("build").toString()),
                120);

        assertThat(r.exit()).as(r.stderr()).isZero();
        Path zip = builtZip(r.stdout());
        Path unpacked = Files.createDirectories(dir.resolve("unpacked"));
        try (ZipFile z = new ZipFile(zip.toFile())) {
            assertThat(z.getEntry("libs/dependency-with-a-long-name-29.jar")).isNotNull();
            try (var in = z.getInputStream(z.getEntry("dbre-gcp.jar"))) {
                Files.copy(in, unpacked.resolve("dbre-gcp.jar"));
            }
        }
        try (JarFile jar = new JarFile(unpacked.resolve("dbre-gcp.jar").toFile())) {
            String classPath = jar.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            assertThat(classPath.split(" ")).hasSize(30).contains("libs/dependency-with-a-long-name-7.jar");
        }
        for (String entry : GCP_ENTRY_POINTS) {
            assertThat(r.stdout()).contains("\n  " + entry + "\n");
        }
        assertThat(r.stdout())
                .contains("would run: gcloud beta services identity create --service=secretmanager.googleapis.com"
                        + " --project=dbre-test-1")
                .contains("would run: terraform -chdir=" + tf + " apply -var source_archive=" + zip);
    }

    @Test
    void gcpJarWithoutAnEntryPoint_isRefusedNamingIt() throws IOException {
        Path dir = Project.tempDir();
        Path libs = Files.createDirectories(dir.resolve("libs"));
        writeJar(
                dir.resolve("dbre-gcp.jar"),
                GCP_ENTRY_POINTS.stream()
                        .filter(e -> !e.endsWith("MaintenanceFunction"))
                        .toList());
        Path tf = Files.createDirectories(dir.resolve("tf"));

        Tools.Result r = Tools.run(
                List.of(
                        "bash",
                        Tools.ROOT.resolve("scripts/deploy-gcp").toString(),
                        "--dry-run",
                        "--tf-dir",
                        tf.toString()),
                Map.of(
                        "DBRE_DEPLOY_GCP_JAR", dir.resolve("dbre-gcp.jar").toString(),
                        "DBRE_DEPLOY_GCP_LIBS", libs.toString(),
                        "DBRE_DEPLOY_BUILD_DIR", dir.resolve("build").toString()),
                120);

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.stdout()).contains("  dev.dbre.gcp.maintenance.MaintenanceFunction  -- MISSING from");
        assertThat(r.stderr()).contains("the jar lacks entry points modules/gcp deploys");
    }

    /** A folder with a function.json per name, as azure-functions:package lays the app out. */
    private static void functionFolders(Path app, List<String> names) throws IOException {
        for (String name : names) {
            Files.createDirectories(app.resolve(name));
            Files.writeString(app.resolve(name).resolve("function.json"), "{\"bindings\": []}");
        }
    }

    private static Path builtZip(String stdout) {
        Matcher m = BUILT.matcher(stdout);
        assertThat(m.find()).as("the script names what it built: " + stdout).isTrue();
        Path zip = Path.of(m.group(1));
        assertThat(zip).exists();
        return zip;
    }

    private static void writeJar(Path path, List<String> classes) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream out = Files.newOutputStream(path);
                JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.putNextEntry(new ZipEntry("dev/dbre/Marker.txt"));
            jar.write("x".getBytes());
            jar.closeEntry();
            for (String cls : classes) {
                jar.putNextEntry(new ZipEntry(cls.replace('.', '/') + ".class"));
                jar.closeEntry();
            }
        }
    }
}
