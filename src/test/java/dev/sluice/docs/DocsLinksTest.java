package dev.sluice.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README and docs/ name only what exists: every relative link, and every repository path they quote in code
 * ({@code `routes-yaml/event-types/`}, {@code `src/main/resources/jolokia-access.xml`}), is a file or directory of the
 * repository. A doc that still names a file a refactoring removed fails here.
 */
class DocsLinksTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(?:#[^)]*)?\\)");
    /** A quoted path that starts at one of the repository's own top-level folders or files. */
    private static final Pattern QUOTED_PATH = Pattern.compile(
            "`((?:src|routes-yaml|docs|runbooks|drills|bench|observability|deploy|postmortems|cli|compose|\\.ci)"
                    + "/[A-Za-z0-9_./-]*)`");

    @Test
    void everyRelativeLinkAndQuotedPathInTheReadmeAndDocsExists() throws IOException {
        List<String> missing = new ArrayList<>();
        for (Path doc : docs()) {
            String text = Files.readString(doc);
            Matcher link = LINK.matcher(text);
            while (link.find()) {
                String target = link.group(1);
                if (!target.contains("://") && !target.startsWith("mailto:")
                        && !Files.exists(doc.getParent().resolve(target).normalize())) {
                    missing.add(ROOT.relativize(doc) + ": link " + target);
                }
            }
            Matcher quoted = QUOTED_PATH.matcher(text);
            while (quoted.find()) {
                String path = quoted.group(1).replaceAll("[.,;:]+$", "");
                if (!path.contains("<") && !path.contains("*") && !Files.exists(ROOT.resolve(path))) {
                    missing.add(ROOT.relativize(doc) + ": path " + path);
                }
            }
        }
        assertThat(missing).as("links and paths that name nothing").isEmpty();
    }

    private static List<Path> docs() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> files = Files.walk(ROOT.resolve("docs"))) {
            files.filter(f -> f.toString().endsWith(".md")).forEach(docs::add);
        }
        return docs;
    }
}
