package dev.weft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layers of DESIGN.md as a specification: every reference from one Weft package to another
 * points down the stack, so the packages form no cycle. Reads the sources, so a fully qualified
 * name in code counts as much as an import; comments and string literals (a Flight Recorder event
 * is named "dev.weft.TaskPoll") do not count.
 */
class LayeringTest {

    /** Package -> the Weft packages it may use ("" is dev.weft itself, the top). */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "sys", Set.of(),
            "io", Set.of("sys", "task"),
            "task", Set.of(),
            "timer", Set.of("task"),
            "scheduler", Set.of("task", "timer", "io", "sys"),
            "time", Set.of("task", "timer", "scheduler", "io", "sys"),
            "sync", Set.of("task", "timer", "scheduler", "io", "sys"),
            "net", Set.of("task", "timer", "scheduler", "io", "sys", "time"),
            "", Set.of("sys", "io", "task", "timer", "scheduler", "time", "sync", "net"));

    private static final Path SOURCES = Path.of("src/main/java/dev/weft");
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.weft\\.(?:([a-z][a-z0-9_]*)\\.|([A-Z]))");

    @Test
    void everyPackageIsAKnownLayer() throws IOException {
        try (Stream<Path> dirs = Files.list(SOURCES)) {
            dirs.filter(Files::isDirectory).forEach(d -> assertTrue(
                    ALLOWED.containsKey(d.getFileName().toString()),
                    "package dev.weft." + d.getFileName() + " is not a layer of DESIGN.md; add it to LayeringTest"));
        }
    }

    @Test
    void referencesBetweenPackagesPointOnlyDown() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                String from = packageOf(file);
                String code = stripStrings(stripComments(Files.readString(file)));
                Matcher m = REFERENCE.matcher(code);
                while (m.find()) {
                    String to = m.group(1) != null ? m.group(1) : "";
                    if (!to.equals(from) && !ALLOWED.getOrDefault(from, Set.of()).contains(to)) {
                        violations.add(SOURCES.relativize(file) + " (dev.weft." + from + ") uses dev.weft."
                                + (to.isEmpty() ? "<top>" : to));
                    }
                }
            }
        }
        assertEquals(List.of(), violations, "imports must point down the layers of DESIGN.md");
    }

    private static String packageOf(Path file) {
        Path rel = SOURCES.relativize(file);
        return rel.getNameCount() == 1 ? "" : rel.getName(0).toString();
    }

    /** Removes one-line string literals (escapes included). */
    static String stripStrings(String code) {
        return code.replaceAll("\"(?:[^\"\\\\\\n]|\\\\.)*\"", "\"\"");
    }

    /** Removes block and line comments (string literals holding comment markers are rare enough here). */
    static String stripComments(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
    }
}
