package dev.dbre;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.Heading;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.Test;

/**
 * The repository's Markdown (the top README, docs/, every module's README) has no broken relative
 * link: each link and image points at a file or folder that exists, and a link to a heading
 * ({@code file.md#anchor}, or {@code #anchor} in the same file) at a heading that file has, by
 * GitHub's anchor rule. The Markdown is read with a CommonMark parser, so a link written inside code
 * is not one and a link in a table cell is. Links with a scheme (https:, mailto:) are not followed.
 */
class DocumentationLinksTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static final Parser PARSER = Parser.builder()
            .includeSourceSpans(IncludeSourceSpans.BLOCKS_AND_INLINES)
            .build();
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:|^//");

    /** GitHub drops every character of a heading but letters, digits, '_', '-' and spaces. */
    private static final Pattern NOT_IN_ANCHOR = Pattern.compile("[^\\p{L}\\p{M}\\p{N}_\\- ]");

    /** Built output, dependencies, and local state (.git, .run-local, .dbre): not documentation. */
    private static final Set<String> SKIPPED = Set.of("target", "node_modules", "cdk.out", "out");

    @Test
    void everyRelativeLinkInTheMarkdown_pointsAtAFileThatExists_andAHeadingItHas() {
        List<Path> files = markdownFiles(ROOT);
        assertThat(files)
                .as("Markdown found under " + ROOT)
                .contains(ROOT.resolve("README.md"), ROOT.resolve("docs/architecture.md"));

        List<String> problems = new ArrayList<>();
        files.forEach(f -> problems.addAll(brokenLinks(f)));

        assertThat(problems).withFailMessage(String.join("\n", problems)).isEmpty();
    }

    @Test
    void theReadmesScreenshot_isALinkThatIsChecked() {
        // Not vacuous: the README's picture is among the links the check follows.
        assertThat(links(ROOT.resolve("README.md")))
                .anySatisfy(l -> assertThat(l.target()).isEqualTo("docs/images/slo-report.png"));
    }

    @Test
    void checker_reportsAMissingFile_aMissingImage_andAMissingHeading_butNotCodeOrOtherSchemes() throws IOException {
        // Under target/, made here: the tests' java.io.tmpdir may not exist yet.
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target/tmp")), "links");
        Files.createDirectories(dir.resolve("docs"));
        Files.writeString(dir.resolve("docs/other.md"), """
                # Other

                ## Compared with AWS's rotation (`SecretsManager`)

                ## Compared with AWS's rotation (`SecretsManager`)
                """);
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, """
                # Title

                See [the other page](docs/other.md), its [comparison](docs/other.md#compared-with-awss-rotation-secretsmanager)
                and [the second one](docs/other.md#compared-with-awss-rotation-secretsmanager-1), [the folder](docs/),
                [above](#title), [a site](https://example.com/missing.md) and [mail](mailto:a@example.com).

                | page | link |
                |---|---|
                | gone | [gone](docs/gone.md) |

                ![the report](docs/images/none.png)

                A heading that is not there: [x](docs/other.md#compared-with-aws).
                Not a link: `[code](docs/in-code.md)`.

                ```
                [fenced](docs/fenced.md)
                ```
                """);

        assertThat(brokenLinks(readme))
                .containsExactly(
                        "README.md:9: docs/gone.md: no such file",
                        "README.md:11: docs/images/none.png: no such file",
                        "README.md:13: docs/other.md#compared-with-aws: docs/other.md has no heading"
                                + " 'compared-with-aws'");
    }

    /** One link or image of a Markdown file: its 1-based line and its target as written. */
    record LinkAt(int line, String target) {}

    private static List<String> brokenLinks(Path file) {
        List<String> problems = new ArrayList<>();
        for (LinkAt link : links(file)) {
            String target = link.target();
            if (target.isEmpty() || SCHEME.matcher(target).find()) {
                continue;
            }
            int hash = target.indexOf('#');
            String path = URLDecoder.decode(
                    (hash < 0 ? target : target.substring(0, hash)).replace("+", "%2B"), StandardCharsets.UTF_8);
            String anchor = hash < 0 ? "" : target.substring(hash + 1);
            Path root = root(file);
            Path resolved = path.isEmpty()
                    ? file
                    : (path.startsWith("/") ? root.resolve(path.substring(1)) : file.resolveSibling(path)).normalize();
            String where = root.relativize(file) + ":" + link.line() + ": " + target + ": ";
            if (!Files.exists(resolved)) {
                problems.add(where + "no such file");
            } else if (!anchor.isEmpty()
                    && resolved.toString().endsWith(".md")
                    && !anchors(resolved).contains(anchor)) {
                problems.add(where + root.relativize(resolved) + " has no heading '" + anchor + "'");
            }
        }
        return problems;
    }

    /** The repository root, or the test's folder holding the file: where a path from "/" starts. */
    private static Path root(Path file) {
        return file.startsWith(ROOT) ? ROOT : file.getParent();
    }

    private static List<LinkAt> links(Path file) {
        List<LinkAt> links = new ArrayList<>();
        parse(file).accept(new AbstractVisitor() {
            @Override
            public void visit(Link link) {
                links.add(new LinkAt(line(link), link.getDestination()));
                visitChildren(link);
            }

            @Override
            public void visit(Image image) {
                links.add(new LinkAt(line(image), image.getDestination()));
                visitChildren(image);
            }
        });
        return links;
    }

    /** The anchors GitHub gives the file's headings: lower case, punctuation dropped, '-' for spaces, -1, -2 for repeats. */
    private static Set<String> anchors(Path file) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        parse(file).accept(new AbstractVisitor() {
            @Override
            public void visit(Heading heading) {
                String slug = NOT_IN_ANCHOR
                        .matcher(text(heading).toLowerCase(Locale.ROOT))
                        .replaceAll("")
                        .replace(' ', '-');
                int repeat = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(repeat == 0 ? slug : slug + "-" + repeat);
            }
        });
        return anchors;
    }

    /** A heading's text as rendered: its words and its code, without the Markdown around them. */
    private static String text(Node node) {
        StringBuilder text = new StringBuilder();
        node.accept(new AbstractVisitor() {
            @Override
            public void visit(Text t) {
                text.append(t.getLiteral());
            }

            @Override
            public void visit(Code code) {
                text.append(code.getLiteral());
            }
        });
        return text.toString().strip();
    }

    private static int line(Node node) {
        for (Node n = node; n != null; n = n.getParent()) {
            if (!n.getSourceSpans().isEmpty()) {
                return n.getSourceSpans().get(0).getLineIndex() + 1;
            }
        }
        return 0;
    }

    private static Node parse(Path file) {
        try {
            return PARSER.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> markdownFiles(Path root) {
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    String name = dir.getFileName().toString();
                    boolean skip = !dir.equals(root) && (name.startsWith(".") || SKIPPED.contains(name));
                    return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (file.toString().endsWith(".md") && attrs.isRegularFile()) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.sort(null);
        return files;
    }
}
