package io.eventsource.adapter.postgresql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The migration scripts as the adapter ships them (its classes folder under surefire, its jar under failsafe), for
 * tests that read them.
 */
final class MigrationScripts {
    private MigrationScripts() {
    }

    /** The text of every {@code V<n>__*.sql}, in version order. */
    static List<String> all() {
        URL script = FlywayMigrations.class.getResource("migration/V1__event_log_and_acks.sql");
        if (script == null) {
            throw new IllegalStateException("the migrations are not in the build output");
        }
        try {
            URI uri = script.toURI();
            if (uri.getScheme().equals("jar")) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    return read(jar.provider().getPath(uri).getParent());
                }
            }
            return read(Path.of(uri).getParent());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> read(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().matches("V\\d+__\\w+\\.sql"))
                    .sorted((a, b) -> Integer.compare(version(a), version(b)))
                    .map(MigrationScripts::text)
                    .toList();
        }
    }

    private static int version(Path file) {
        String name = file.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }

    private static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
