package dev.dbre.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.testing.PackagedSetSketches;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the Cloud Functions archive holds (scripts/deploy-gcp: the function jar and its runtime
 * dependencies in libs/, which package copies to target/libs the same way) carries no fastutil
 * jar, only the few fastutil classes java-hll uses (unpacked into the function jar, see this
 * module's pom), stays under a size bound, and works from those files alone (plus the Functions
 * Framework API, which the runtime supplies): every function class loads, and set sketches
 * aggregate, encode, decode and merge in each of their representations.
 */
class PackageIT {
    /** The archive's files are about 65 MB; they were about 81 MB with fastutil's 17 MB jar in libs/. */
    private static final long MAX_ARCHIVE_BYTES = 72L * 1024 * 1024;

    private static final List<String> FUNCTIONS = List.of(
            "dev.dbre.gcp.ingest.PubSubIngestFunction",
            "dev.dbre.gcp.ingest.HttpIngestFunction",
            "dev.dbre.gcp.backup.SnapshotFunction",
            "dev.dbre.gcp.restore.RestoreFunction",
            "dev.dbre.gcp.restore.DrillFunction",
            "dev.dbre.gcp.maintenance.MaintenanceFunction",
            "dev.dbre.gcp.slo.SloReportFunction",
            "dev.dbre.gcp.rotation.SecretRotationFunction");

    @Test
    void theArchiveFiles_haveNoFastutilJar_staySmall_andTheFunctionsLoadAndAggregateSets() throws Exception {
        List<Path> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            files.filter(p -> p.getFileName().toString().matches("dbre-gcp-.*\\.jar"))
                    .filter(p -> !p.getFileName().toString().matches(".*-(tests|sources)\\.jar"))
                    .forEach(jars::add);
        }
        assertThat(jars).as("the function jar built by package").hasSize(1);
        Path functionJar = jars.get(0);
        try (Stream<Path> libs = Files.list(Path.of("target/libs"))) {
            libs.forEach(jars::add);
        }
        long bytes = 0;
        for (Path j : jars) {
            bytes += Files.size(j);
        }
        assertThat(jars).extracting(p -> p.getFileName().toString()).noneMatch(n -> n.startsWith("fastutil"));
        assertThat(bytes).as("bytes of the archive's files").isLessThan(MAX_ARCHIVE_BYTES);

        List<URL> urls = new ArrayList<>();
        for (Path j : jars) {
            urls.add(j.toUri().toURL());
        }
        // The Functions Framework API (provided scope): the runtime supplies it.
        urls.add(com.google.cloud.functions.HttpFunction.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation());
        try (URLClassLoader loader =
                new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            for (String function : FUNCTIONS) {
                Class<?> c = Class.forName(function, true, loader);
                assertThat(c.getConstructor())
                        .as("%s has a public no-argument constructor", function)
                        .isNotNull();
            }
            PackagedSetSketches.assertAggregate(loader, "the archive's files");
            URL fastutil = loader.loadClass("it.unimi.dsi.fastutil.longs.LongOpenHashSet")
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation();
            assertThat(fastutil).isEqualTo(functionJar.toUri().toURL());
        }
    }
}
