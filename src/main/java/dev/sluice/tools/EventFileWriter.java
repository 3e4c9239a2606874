package dev.sluice.tools;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a file of events for a backfill: the load generator's traffic ({@link ReviewTraffic}) as NDJSON, gzip if the
 * name ends in .gz, until the file holds {@code --bytes} or {@code --events}. Its last line, the summary, is what a backfill of the file
 * must reconcile to.
 * <pre>
 * java -cp ... dev.sluice.tools.EventFileWriter --file=events.ndjson --bytes=1g [--events=N] [--duplicate-percent=2]
 *     [--invalid-percent=1] [--seed=S]
 * </pre>
 */
public final class EventFileWriter {

    private EventFileWriter() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> given = Arguments.parse(args);
        Path file = Path.of(given.getOrDefault("file", "events.ndjson"));
        long maxBytes = parseBytes(given.getOrDefault("bytes", "0"));
        long maxEvents = Long.parseLong(given.getOrDefault("events", maxBytes == 0 ? "100000" : "0"));
        System.out.println("Done: " + write(file, maxBytes == 0 ? Long.MAX_VALUE : maxBytes,
                maxEvents == 0 ? Long.MAX_VALUE : maxEvents,
                Double.parseDouble(given.getOrDefault("duplicate-percent", "2")),
                Double.parseDouble(given.getOrDefault("invalid-percent", "1")),
                Long.parseLong(given.getOrDefault("seed", String.valueOf(System.nanoTime())))));
    }

    public record Summary(long lines, long uniqueValid, long duplicates, long invalid, long bytes) {
        @Override
        public String toString() {
            return "lines=%d uniqueValid=%d duplicates=%d invalid=%d bytes=%d".formatted(lines, uniqueValid, duplicates,
                    invalid, bytes);
        }
    }

    public static Summary write(Path file, long maxBytes, long maxEvents, double duplicatePercent,
                                double invalidPercent, long seed) throws IOException {
        ReviewTraffic traffic = new ReviewTraffic(seed, 80, duplicatePercent, invalidPercent);
        long lines = 0;
        long bytes = 0;
        OutputStream raw = Files.newOutputStream(file);
        try (OutputStream out = new BufferedOutputStream(file.getFileName().toString().endsWith(".gz")
                ? new GZIPOutputStream(raw, 1 << 16) : raw, 1 << 16)) {
            while (bytes < maxBytes && lines < maxEvents) {
                byte[] event = traffic.next().value();
                out.write(event);
                out.write('\n');
                bytes += event.length + 1;
                lines++;
            }
        }
        return new Summary(lines, traffic.uniqueValid(), traffic.duplicates(), traffic.invalid(), bytes);
    }

    /** 1g, 200m, 64k or a plain number of bytes. */
    static long parseBytes(String size) {
        String s = size.trim().toLowerCase();
        long unit = switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
            case 'g' -> 1L << 30;
            case 'm' -> 1L << 20;
            case 'k' -> 1L << 10;
            default -> 1;
        };
        return Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
    }
}
