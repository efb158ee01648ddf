package dev.dbre.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
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
            assertSetsAggregate(loader);
            URL fastutil = loader.loadClass("it.unimi.dsi.fastutil.longs.LongOpenHashSet")
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation();
            assertThat(fastutil).isEqualTo(functionJar.toUri().toURL());
        }
    }

    /** 100 members: exact hashes; 2,000: sparse registers; 100,000: full registers. */
    private static void assertSetsAggregate(ClassLoader loader) throws ReflectiveOperationException {
        Class<?> seriesType = loader.loadClass("dev.dbre.metrics.SeriesType");
        Class<?> aggregate = loader.loadClass("dev.dbre.metrics.Aggregate");
        Object set = seriesType.getField("SET").get(null);
        Method addMember = aggregate.getMethod("addMember", byte[].class, int.class, int.class);
        Method encode = aggregate.getMethod("encodeState");
        Method mergeRow = aggregate.getMethod(
                "mergeRow",
                double.class,
                Double.class,
                Double.class,
                Double.class,
                Double.class,
                Long.class,
                byte[].class);
        Method distinct = aggregate.getMethod("distinctCount");
        for (int members : new int[] {100, 2_000, 100_000}) {
            Object written = aggregate.getConstructor(seriesType).newInstance(set);
            for (int i = 0; i < members; i++) {
                byte[] member = ("user-" + i).getBytes(StandardCharsets.UTF_8);
                addMember.invoke(written, member, 0, member.length);
            }
            Object read = aggregate.getConstructor(seriesType).newInstance(set);
            mergeRow.invoke(read, (double) members, null, null, null, null, null, encode.invoke(written));
            mergeRow.invoke(read, (double) members, null, null, null, null, null, encode.invoke(written));
            assertThat((double) distinct.invoke(read))
                    .as("distinct members of %d, through the archive's files", members)
                    .isCloseTo(members, withinPercentage(5));
        }
    }
}
