package io.eventsource.examples.readme;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's Java is code that compiles: each {@code java} block of README.md is, line for line, a region of a
 * source file in this package (see {@link ReadmeSnippets} for the markers and how to add a block), and the build
 * compiles those files.
 *
 * <p>Why regions of a compiled file rather than blocks pulled out of the README and compiled on the fly: the README
 * stays plain Markdown (no markers, no hidden set-up), each block's context (the runtime made earlier, the reader's own
 * objects, the imports) is ordinary code that an IDE checks and refactors with the API, a compile error points at a
 * real line, and the runnable blocks can be run and checked ({@link ReadmeSnippetsTest}).
 */
class ReadmeJavaBlocksTest {
    /** The README beside the parent pom; tests run in the module's directory. */
    private static final Path README = Path.of("..", "README.md");
    private static final Path SNIPPETS = Path.of("src", "test", "java", "io", "eventsource", "examples", "readme");
    /** The Spring Boot sample (its own Maven module, compiled there), whose handlers the README shows. */
    private static final Path SPRING_BOOT_SAMPLE = Path.of("spring-boot", "src", "main", "java", "io", "eventsource",
            "examples", "springboot");
    /** The outside project's module declaration, which the README shows under "Add it to your build". */
    private static final Path OUTSIDE_MODULE = Path.of("..", "it", "src", "it", "getting-started", "src", "main", "java",
            "module-info.java");
    private static final String MARK = "// README: ";
    private static final String END = "end";
    /**
     * README blocks that are not regions of compiled code yet, each with what keeps it from compiling as shown. Take a
     * name out once its region exists (the test fails while a listed block has a region, or is no longer in the README).
     */
    static final Map<String, String> NOT_YET_CHECKED = Map.of();

    /** A block or a region: where it is, and its lines. */
    record Text(String where, List<String> lines) {
    }

    @Test
    void everyJavaBlockOfTheReadmeIsARegionOfCompiledCodeAndEveryRegionIsInTheReadme() throws IOException {
        Map<String, Text> blocks = javaBlocks(Files.readAllLines(README, StandardCharsets.UTF_8));
        Map<String, Text> regions = regions();
        List<String> problems = new ArrayList<>();

        blocks.forEach((name, block) -> {
            Text region = regions.get(name);
            if (NOT_YET_CHECKED.containsKey(name)) {
                if (region != null) {
                    problems.add(region.where() + ": region \"" + name + "\" exists: take it out of NOT_YET_CHECKED");
                }
            } else if (region == null) {
                problems.add(block.where() + ": a java block with no region \"" + name + "\" in " + SNIPPETS
                        + "; write the block there between \"" + MARK + name + "\" and \"" + MARK + END + "\" so that"
                        + " it compiles (see ReadmeSnippets)");
            } else {
                difference(block, region).ifPresent(problems::add);
            }
        });
        NOT_YET_CHECKED.keySet().stream().filter(name -> !blocks.containsKey(name)).forEach(name ->
                problems.add("NOT_YET_CHECKED names \"" + name + "\", which is no java block of README.md"));
        regions.forEach((name, region) -> {
            if (!blocks.containsKey(name)) {
                problems.add(region.where() + ": region \"" + name + "\" is no java block of README.md (under a"
                        + " heading \"" + name + "\"); copy it there or remove it");
            }
        });

        assertThat(blocks).as("java blocks found in %s", README.toAbsolutePath()).containsKeys("Publish", "Listen");
        assertThat(problems).as("README java blocks against their compiled regions").isEmpty();
    }

    @Test
    void namesBlocksByTheirHeadingNotMistakingShellCommentsForHeadingsAndFindsWhereABlockDiffers() {
        List<String> markdown = List.of("## Usage", "```sh", "# a comment, not a heading", "```", "```java",
                "int a = 1;", "```", "text", "```java", "int b = 2;   ", "```", "### Next", "```java", "x();", "```");

        Map<String, Text> blocks = javaBlocks(markdown);

        assertThat(blocks.keySet()).containsExactly("Usage", "Usage (2)", "Next");
        assertThat(blocks.get("Usage (2)").lines()).containsExactly("int b = 2;");
        Text region = new Text("Snippets.java line 7", unindented(List.of("        int b = 2;", "", "        c();")));
        assertThat(region.lines()).containsExactly("int b = 2;", "", "c();");
        assertThat(difference(blocks.get("Usage (2)"), region)).contains("README.md line 9 and its region at"
                + " Snippets.java line 7 differ at line 2 of the block:\n  README: (no more lines)\n  region: ");
        assertThat(difference(blocks.get("Usage"), new Text("S.java line 1", List.of("int a = 1;")))).isEmpty();
    }

    /** The java blocks of the README by the heading they follow; a second one under a heading is "heading (2)". */
    static Map<String, Text> javaBlocks(List<String> readme) {
        Map<String, Text> blocks = new LinkedHashMap<>();
        Map<String, Integer> perHeading = new LinkedHashMap<>();
        String heading = "(before the first heading)";
        for (int i = 0; i < readme.size(); i++) {
            String line = readme.get(i);
            if (line.startsWith("```")) {
                boolean java = line.strip().equals("```java");
                int start = i;
                List<String> lines = new ArrayList<>();
                for (i++; i < readme.size() && !readme.get(i).startsWith("```"); i++) {
                    lines.add(readme.get(i).stripTrailing());
                }
                if (java) {
                    int count = perHeading.merge(heading, 1, Integer::sum);
                    String name = count == 1 ? heading : heading + " (" + count + ")";
                    blocks.put(name, new Text("README.md line " + (start + 1), lines));
                }
            } else if (line.startsWith("#")) {
                heading = line.replaceFirst("^#+\\s*", "").strip();
            }
        }
        return blocks;
    }

    private static Map<String, Text> regions() throws IOException {
        Map<String, Text> regions = new LinkedHashMap<>();
        List<Path> sources;
        try (Stream<Path> files = Files.list(SNIPPETS)) {
            sources = new ArrayList<>(files.filter(file -> file.toString().endsWith(".java")).sorted().toList());
        }
        try (Stream<Path> files = Files.list(SPRING_BOOT_SAMPLE)) {
            sources.addAll(files.filter(file -> file.toString().endsWith(".java")).sorted().toList());
        }
        sources.add(OUTSIDE_MODULE);
        for (Path source : sources) {
            List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String marker = lines.get(i).strip();
                if (!marker.startsWith(MARK) || marker.equals(MARK + END)) {
                    continue;
                }
                String name = marker.substring(MARK.length()).strip();
                int start = i;
                List<String> region = new ArrayList<>();
                for (i++; i < lines.size() && !lines.get(i).strip().equals(MARK + END); i++) {
                    region.add(lines.get(i).stripTrailing());
                }
                String where = source.getFileName() + " line " + (start + 1);
                if (i == lines.size()) {
                    throw new IllegalStateException(where + ": region \"" + name + "\" has no \"" + MARK + END + "\"");
                }
                if (regions.put(name, new Text(where, unindented(region))) != null) {
                    throw new IllegalStateException(where + ": a second region \"" + name + "\"; a second block under"
                            + " one heading is \"" + name + " (2)\"");
                }
            }
        }
        return regions;
    }

    /** The lines without the indentation they all share. */
    static List<String> unindented(List<String> lines) {
        int common = lines.stream().filter(line -> !line.isBlank())
                .mapToInt(line -> line.length() - line.stripLeading().length()).min().orElse(0);
        return lines.stream().map(line -> line.isBlank() ? "" : line.substring(common)).toList();
    }

    /** Where a block and its region first differ, if they do. */
    static Optional<String> difference(Text block, Text region) {
        List<String> shown = block.lines();
        List<String> compiled = region.lines();
        for (int i = 0; i < Math.max(shown.size(), compiled.size()); i++) {
            String a = i < shown.size() ? shown.get(i) : "(no more lines)";
            String b = i < compiled.size() ? compiled.get(i) : "(no more lines)";
            if (!a.equals(b)) {
                return Optional.of(block.where() + " and its region at " + region.where() + " differ at"
                        + " line " + (i + 1) + " of the block:\n  README: " + a + "\n  region: " + b);
            }
        }
        return Optional.empty();
    }
}
