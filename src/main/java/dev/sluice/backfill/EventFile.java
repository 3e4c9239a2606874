package dev.sluice.backfill;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;

import dev.sluice.event.EventSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;

/**
 * A file of events, one JSON event per line (NDJSON; gzip-compressed if its name ends in {@code .gz}), read as the
 * stream's records: each line is an exchange with the line's bytes as its body, exactly as they are in the file, and
 * where it came from, an {@link EventSource.FileLine} (the file's name and the line's number, from 1). So validation,
 * claims, store routes and dead letters are the stream's own; a row's lineage and a dead letter name the line
 * ({@code backfill:<file name>}, partition -1, the line number), and a line's position among an entity's changes
 * follows its number (docs/write-modes.md).
 * <p>
 * Memory stays bounded whatever the file holds: lines are read one at a time, in batches, and a line longer than
 * {@code maxLineBytes} keeps only its first {@code maxLineBytes} bytes (enough for the validator to refuse it as
 * too large) while the rest is skipped. Blank lines are no events; they are counted, never written.
 */
public final class EventFile implements Iterator<List<Exchange>>, AutoCloseable {

    private final CamelContext camel;
    private final String fileName;
    private final CountingStream counted;
    private final InputStream in;
    private final int batchSize;
    private final int maxLineBytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
    private long lineNumber;
    private long blankLines;
    /** Whether the line read last holds anything but spaces, tabs and a CR. */
    private boolean lineHasContent;
    private List<Exchange> next;

    /** Opens the file and skips its first {@code linesDone} lines (a resumed run). */
    public EventFile(CamelContext camel, Path file, long linesDone, int batchSize, int maxLineBytes) throws IOException {
        this.camel = camel;
        this.fileName = file.getFileName().toString();
        this.batchSize = batchSize;
        this.maxLineBytes = maxLineBytes;
        this.counted = new CountingStream(Files.newInputStream(file));
        InputStream raw = new BufferedInputStream(counted, 1 << 16);
        this.in = file.getFileName().toString().endsWith(".gz")
                ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
        while (lineNumber < linesDone && readLine()) {
            // skipped: written by an earlier run
        }
    }

    /** Bytes of the file read so far (compressed bytes for a .gz), for the progress's share and ETA. */
    public long bytesRead() {
        return counted.count;
    }

    public long linesRead() {
        return lineNumber;
    }

    public long blankLines() {
        return blankLines;
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            next = readBatch();
        }
        return !next.isEmpty();
    }

    @Override
    public List<Exchange> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        List<Exchange> batch = next;
        next = null;
        return batch;
    }

    private List<Exchange> readBatch() {
        List<Exchange> batch = new ArrayList<>(batchSize);
        try {
            while (batch.size() < batchSize && readLine()) {
                if (!lineHasContent) {
                    blankLines++;
                    continue;
                }
                Exchange record = new DefaultExchange(camel);
                record.getMessage().setBody(line.toByteArray());
                record.getMessage().setHeader(EventSource.HEADER, new EventSource.FileLine(fileName, lineNumber));
                batch.add(record);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return batch;
    }

    /** The next line into {@link #line}, without its end (LF or CRLF); false at the end of the file. */
    private boolean readLine() throws IOException {
        line.reset();
        lineHasContent = false;
        int b = in.read();
        if (b < 0) {
            return false;
        }
        while (b >= 0 && b != '\n') {
            if (line.size() < maxLineBytes) {
                line.write(b);
            }
            lineHasContent |= b != ' ' && b != '\t' && b != '\r';
            b = in.read();
        }
        lineNumber++;
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private static final class CountingStream extends FilterInputStream {
        private long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
