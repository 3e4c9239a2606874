package dev.sluice.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** A temporary copy of the shipped {@code routes-yaml/} (routes, event types and schemas) for a test to add to or edit. */
public final class RoutesDirectory {

    private RoutesDirectory() {
    }

    public static Path copyOfShipped() {
        try {
            Path routes = Files.createTempDirectory("sluice-routes");
            try (Stream<Path> shipped = Files.walk(Path.of("routes-yaml"))) {
                for (Path file : shipped.filter(Files::isRegularFile).toList()) {
                    Path copy = routes.resolve(Path.of("routes-yaml").relativize(file).toString());
                    Files.createDirectories(copy.getParent());
                    Files.copy(file, copy);
                }
            }
            return routes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Gives each named event type review_created's v1 payload schema, in a routes directory's {@code schemas/} (read at
     * startup: call it before the app starts). Returns the directory.
     */
    public static Path withSchemas(Path routes, String... eventTypes) {
        try {
            String schema = Files.readString(Path.of("routes-yaml", "schemas", "review_created.v1.schema.json"));
            for (String type : eventTypes) {
                Files.writeString(routes.resolve("schemas").resolve(type + ".v1.schema.json"), schema);
            }
            return routes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces the file in one step, as editors that save by rename do: the watcher never sees it half written. */
    public static void write(Path file, String text) {
        try {
            Path partial = file.resolveSibling("." + file.getFileName() + ".partial");
            Files.writeString(partial, text);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
