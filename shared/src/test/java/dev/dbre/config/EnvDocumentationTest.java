package dev.dbre.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module READMEs and the code agree on the {@code DBRE_*} environment variables, for every
 * module of the parent pom.
 *
 * <ul>
 *   <li>Every variable a README names is read by that module's code or by a module it depends on
 *       (a name ending in {@code *} must match one; {@code NAME__suffix} is the Functions host's
 *       form of the connection setting {@code NAME}).
 *   <li>Every variable the code names (in a Java string literal, or an {@code ${env:...}} lookup in
 *       a resource) is named in the README of a module that reads it: that module's own README, or
 *       for a variable of {@code shared} (which has none) the README of any module built on it.
 *       Which of those modules really reach the shared code that reads it is not worked out here,
 *       so one README suffices for a shared variable; a module's own variable must be in its own
 *       README.
 * </ul>
 *
 * The code is read, not a list kept by hand, so a variable someone adds later is checked too. Both
 * are also checked against the catalogue ({@link Settings#ALL}): every name in the code is there,
 * with the modules that name it, and every README row gives the catalogue's default.
 */
class EnvDocumentationTest {
    private static final Pattern NAME = Pattern.compile("DBRE_[A-Z0-9]+(?:_[A-Z0-9]+)*");
    private static final Pattern DOCUMENTED = Pattern.compile("DBRE_[A-Za-z0-9_*]*[A-Za-z0-9*]");
    private static final Pattern ENV_LOOKUP = Pattern.compile("\\$\\{env:(DBRE_[A-Z0-9_]+)");
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static final Pattern ARTIFACT = Pattern.compile("<artifactId>([^<]+)</artifactId>");

    private static final Path ROOT = repositoryRoot();

    /** The catalogue names every variable; it is not a reader of them. */
    private static final String CATALOGUE = "shared/src/main/java/dev/dbre/config/Settings.java";

    /** Modules that set the functions' variables when they deploy them, and read none themselves. */
    private static final Set<String> DEPLOYERS = Set.of("infra-cdk", "terraform");

    /** A whole name in a README row: not a prefix with {@code *}, not the host's {@code NAME__suffix}. */
    private static final Pattern EXACT = Pattern.compile("DBRE_[A-Z0-9]+(?:_[A-Z0-9]+)*(?![A-Za-z0-9_*])");

    // Modules whose README may document the scripts' own variables: scripts/dbre and
    // scripts/run-local launch functions/local; scripts/deploy* build and deploy the other two.
    private static final Set<String> SCRIPTED = Set.of("functions/local", "infra-cdk", "terraform");

    /** A module: its folder, the variables its code names (and where), and its README's names. */
    private record Module(String dir, Map<String, String> read, Set<String> documented, boolean hasReadme) {
        String readme() {
            return dir + "/README.md";
        }
    }

    @Test
    void everyDocumentedVariable_isReadByTheCode() {
        Map<String, Module> modules = modules();
        List<String> problems = new ArrayList<>();
        for (Module m : modules.values()) {
            Set<String> visible = new TreeSet<>(m.read().keySet());
            for (String dep : dependencies(m.dir(), modules.keySet())) {
                visible.addAll(modules.get(dep).read().keySet());
            }
            if (SCRIPTED.contains(m.dir())) {
                visible.addAll(scriptVariables());
            }
            for (String name : m.documented()) {
                if (!readBy(name, visible)) {
                    problems.add(m.readme() + " documents " + name + ", which no code of " + m.dir()
                            + " (or of the modules it is built on) reads: fix the name or remove it from "
                            + m.readme());
                }
            }
        }
        assertThat(problems).withFailMessage(String.join("\n", problems)).isEmpty();
    }

    @Test
    void everyVariableTheCodeReads_isDocumentedInAReadme() {
        Map<String, Module> modules = modules();
        Map<String, Set<String>> readers = new TreeMap<>();
        Map<String, String> where = new LinkedHashMap<>();
        for (Module m : modules.values()) {
            m.read().forEach((name, file) -> {
                readers.computeIfAbsent(name, n -> new LinkedHashSet<>()).add(m.dir());
                where.putIfAbsent(name, file);
            });
        }
        List<String> problems = new ArrayList<>();
        readers.forEach((name, readingModules) -> {
            Set<String> readmes = new LinkedHashSet<>();
            for (String dir : readingModules) {
                if (modules.get(dir).hasReadme()) {
                    readmes.add(dir);
                } else {
                    // shared has no README: the modules built on it document its variables.
                    modules.keySet().stream()
                            .filter(other ->
                                    dependencies(other, modules.keySet()).contains(dir))
                            .forEach(readmes::add);
                }
            }
            boolean documented = readmes.stream()
                    .anyMatch(dir -> modules.get(dir).documented().contains(name));
            if (!documented) {
                String first = readmes.isEmpty()
                        ? "a module README"
                        : readmes.iterator().next() + "/README.md";
                problems.add(name + " is read by the code (" + where.get(name) + ") but no README documents it: add a"
                        + " row (name, default, meaning) to " + first
                        + (readmes.size() > 1 ? " or the README of another module that reads it " + readmes : ""));
            }
        });
        assertThat(problems).withFailMessage(String.join("\n", problems)).isEmpty();
    }

    @Test
    void stringLiterals_areFoundOutsideComments() {
        String java = "// \"DBRE_IN_COMMENT\"\n/* \"DBRE_IN_BLOCK\" */ String a = \"x DBRE_A_B y\";"
                + " String url = \"https://h/p\"; char q = '\"'; String t = \"%DBRE_C%\" + \"DBRE_\";";
        assertThat(literals(java)).containsExactly("x DBRE_A_B y", "https://h/p", "%DBRE_C%", "DBRE_");
        Map<String, String> names = new TreeMap<>();
        for (String s : literals(java)) {
            Matcher m = NAME.matcher(s);
            while (m.find()) {
                names.put(m.group(), "");
            }
        }
        assertThat(names).containsOnlyKeys("DBRE_A_B", "DBRE_C");
    }

    @Test
    void everyVariableTheCodeNames_isInTheCatalogue_withTheModulesThatReadIt() {
        Map<String, Set<String>> readers = new TreeMap<>();
        Map<String, String> where = new TreeMap<>();
        for (Module m : modules().values()) {
            m.read().forEach((name, file) -> {
                where.putIfAbsent(name, file);
                Set<String> r = readers.computeIfAbsent(name, n -> new TreeSet<>());
                if (!DEPLOYERS.contains(m.dir())) {
                    r.add(m.dir());
                }
            });
        }
        List<String> problems = new ArrayList<>();
        readers.forEach((name, modules) -> {
            Optional<Settings.Setting> setting = Settings.find(name);
            if (setting.isEmpty()) {
                problems.add(name + " is read by the code (" + where.get(name) + ") but is not in the catalogue: add"
                        + " s(\"" + name + "\", <default, or null>, \"<allowed values>\", \"<meaning>\", "
                        + quoted(modules) + ") to Settings.ALL in " + CATALOGUE);
            } else if (!setting.get().readBy().equals(modules)) {
                problems.add(CATALOGUE + ": " + name + " is named by the code of " + modules + " (" + where.get(name)
                        + ") but its readBy is " + new TreeSet<>(setting.get().readBy()) + ": make it "
                        + quoted(modules));
            }
        });
        for (Settings.Setting s : Settings.ALL) {
            if (!readers.containsKey(s.name())) {
                problems.add(CATALOGUE + " declares " + s.name() + ", which no module's code names: remove it from"
                        + " Settings.ALL or fix its name");
            }
        }
        assertThat(problems).withFailMessage(String.join("\n", problems)).isEmpty();
    }

    @Test
    void everyReadmeRow_namesCatalogueVariables_andGivesTheirDefault() {
        Set<String> scripts = scriptVariables();
        List<String> problems = new ArrayList<>();
        for (Module m : modules().values()) {
            if (!m.hasReadme()) {
                continue;
            }
            for (String row : read(ROOT.resolve(m.readme())).split("\n")) {
                if (!row.startsWith("|") || row.indexOf('|', 1) < 0) {
                    continue;
                }
                int firstCellEnd = row.indexOf('|', 1);
                String names = row.substring(1, firstCellEnd);
                String rest = row.substring(firstCellEnd);
                Matcher name = EXACT.matcher(names);
                while (name.find()) {
                    Optional<Settings.Setting> setting = Settings.find(name.group());
                    if (setting.isEmpty()) {
                        if (!scripts.contains(name.group())) {
                            problems.add(m.readme() + " has a row for " + name.group() + ", which is neither in"
                                    + " Settings.ALL (" + CATALOGUE + ") nor a variable of scripts/: add it to the"
                                    + " catalogue or fix the name");
                        }
                        continue;
                    }
                    String expected = setting.get().defaultIn(m.dir());
                    if (expected != null && !containsWord(rest, expected)) {
                        problems.add(m.readme() + ": the row of " + name.group() + " does not give its default '"
                                + expected + "' (" + CATALOGUE + "): state it in the row, or fix the catalogue"
                                + " (a module's own default goes in withDefaultIn)");
                    }
                }
            }
        }
        assertThat(problems).withFailMessage(String.join("\n", problems)).isEmpty();
    }

    @Test
    void readmeCheck_findsTheDefaultAsAWholeWord() {
        assertThat(containsWord("| 10, 40, 10, 50 | bounds |", "40")).isTrue();
        assertThat(containsWord("| false, retries 5/500/20000 |", "500")).isTrue();
        assertThat(containsWord("| `verify-full` |", "verify-full")).isTrue();
        assertThat(containsWord("| `INFO` |", "info")).isTrue();
        assertThat(containsWord("| 1048576 |", "1")).isFalse();
        assertThat(containsWord("| verify-full |", "full")).isFalse();
        Matcher m = EXACT.matcher("`DBRE_DB_*`, `DBRE_EVENTHUB__fullyQualifiedNamespace`, `DBRE_NO_BUILD=1`");
        assertThat(m.find()).isTrue();
        assertThat(m.group()).isEqualTo("DBRE_NO_BUILD");
        assertThat(m.find()).isFalse();
    }

    private static boolean containsWord(String text, String word) {
        return Pattern.compile(
                        "(?<![A-Za-z0-9_-])" + Pattern.quote(word) + "(?![A-Za-z0-9_-])", Pattern.CASE_INSENSITIVE)
                .matcher(text)
                .find();
    }

    private static String quoted(Set<String> modules) {
        return modules.stream().map(d -> "\"" + d + "\"").collect(java.util.stream.Collectors.joining(", "));
    }

    private static boolean readBy(String documented, Set<String> names) {
        if (documented.endsWith("*")) {
            String prefix = documented.substring(0, documented.length() - 1);
            return names.stream().anyMatch(n -> n.startsWith(prefix));
        }
        int host = documented.indexOf("__");
        return names.contains(host > 0 ? documented.substring(0, host) : documented);
    }

    private static Map<String, Module> modules() {
        Map<String, Module> modules = new LinkedHashMap<>();
        Matcher m = MODULE.matcher(read(ROOT.resolve("pom.xml")));
        while (m.find()) {
            String dir = m.group(1).trim();
            Path readme = ROOT.resolve(dir).resolve("README.md");
            Set<String> documented = new TreeSet<>();
            if (Files.exists(readme)) {
                Matcher d = DOCUMENTED.matcher(read(readme));
                while (d.find()) {
                    documented.add(d.group());
                }
            }
            modules.put(dir, new Module(dir, codeVariables(dir), documented, Files.exists(readme)));
        }
        assertThat(modules).as("modules of the parent pom").containsKeys("shared", "functions/aws");
        return modules;
    }

    /** The modules {@code dir} depends on: those whose artifactId its pom names. */
    private static Set<String> dependencies(String dir, Set<String> all) {
        String pom = read(ROOT.resolve(dir).resolve("pom.xml"));
        Set<String> deps = new LinkedHashSet<>();
        for (String other : all) {
            if (!other.equals(dir) && pom.contains("<artifactId>" + artifactId(other) + "</artifactId>")) {
                deps.add(other);
            }
        }
        return deps;
    }

    /** The module's own artifactId: the first one after its parent block. */
    private static String artifactId(String dir) {
        String pom = read(ROOT.resolve(dir).resolve("pom.xml"));
        int afterParent = pom.indexOf("</parent>");
        Matcher m = ARTIFACT.matcher(pom);
        return m.find(Math.max(afterParent, 0)) ? m.group(1) : dir;
    }

    /** Variable name → the first file that names it, over main sources and resources. */
    private static Map<String, String> codeVariables(String dir) {
        Map<String, String> names = new TreeMap<>();
        Path module = ROOT.resolve(dir);
        for (Path java : files(module.resolve("src/main/java"), ".java")) {
            if (ROOT.relativize(java).toString().equals(CATALOGUE)) {
                continue;
            }
            for (String literal : literals(read(java))) {
                Matcher m = NAME.matcher(literal);
                while (m.find()) {
                    names.putIfAbsent(m.group(), ROOT.relativize(java).toString());
                }
            }
        }
        for (Path resource : files(module.resolve("src/main/resources"), "")) {
            Matcher m = ENV_LOOKUP.matcher(readLenient(resource));
            while (m.find()) {
                names.putIfAbsent(m.group(1), ROOT.relativize(resource).toString());
            }
        }
        return names;
    }

    private static Set<String> scriptVariables() {
        Set<String> names = new TreeSet<>();
        for (Path script : files(ROOT.resolve("scripts"), "")) {
            Matcher m = NAME.matcher(readLenient(script));
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }

    /** The contents of the string literals of a Java source, comments and char literals skipped. */
    static List<String> literals(String java) {
        List<String> out = new ArrayList<>();
        int n = java.length();
        int i = 0;
        while (i < n) {
            char c = java.charAt(i);
            if (c == '/' && i + 1 < n && java.charAt(i + 1) == '/') {
                i = java.indexOf('\n', i);
                i = i < 0 ? n : i;
            } else if (c == '/' && i + 1 < n && java.charAt(i + 1) == '*') {
                int end = java.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == '\'') {
                i++;
                while (i < n && java.charAt(i) != '\'') {
                    i += java.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
            } else if (c == '"') {
                boolean textBlock = java.startsWith("\"\"\"", i);
                String close = textBlock ? "\"\"\"" : "\"";
                int start = i + close.length();
                int j = start;
                while (j < n && !java.startsWith(close, j)) {
                    j += java.charAt(j) == '\\' ? 2 : 1;
                }
                out.add(java.substring(start, Math.min(j, n)));
                i = j + close.length();
            } else {
                i++;
            }
        }
        return out;
    }

    private static List<Path> files(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(suffix))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }

    /** Any file, binary ones too: the names are ASCII. */
    private static String readLenient(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }

    private static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("functions"))) {
                return p;
            }
        }
        throw new IllegalStateException(
                "no repository root above " + Path.of("").toAbsolutePath());
    }
}
