package io.eventsource.adapter.postgresql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The migration scripts as they are in the adapter's build output, for tests that read them. */
final class MigrationScripts {
    private MigrationScripts() {
    }

    /** The text of every {@code V<n>__*.sql}, in version order. */
    static List<String> all() {
        Path directory;
        try {
            directory = locate();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().matches("V\\d+__\\w+\\.sql"))
                    .sorted((a, b) -> Integer.compare(version(a), version(b)))
                    .map(MigrationScripts::read)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path locate() throws URISyntaxException {
        URL script = FlywayMigrations.class.getResource("migration/V1__event_log_and_acks.sql");
        if (script == null) {
            throw new IllegalStateException("the migrations are not in the build output");
        }
        return Path.of(script.toURI()).getParent();
    }

    private static int version(Path file) {
        String name = file.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
