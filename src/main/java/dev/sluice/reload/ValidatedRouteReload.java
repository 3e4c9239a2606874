package dev.sluice.reload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.sluice.ingest.BatchGate;
import dev.sluice.store.EventTypeRefused;
import dev.sluice.store.EventTypes;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.ResourceReload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Camel's route watcher does with an edited file under {@code routes-yaml/}, made safe for a running pipeline:
 * the knobs file ({@link LiveTuning}) is applied whole or refused, and an event type's file ({@link EventTypeFiles})
 * is checked before anything running is touched. Camel's own reload would remove the running route first and then
 * build the new one, so an edit that does not build, or that the live table cannot take, would leave a hole where the
 * route was. Here the edit is first built as a stopped copy under another id (which checks it against the database);
 * only if that succeeds is it swapped in, between batches ({@link BatchGate}). If the swap itself fails, the last good
 * version of the file is put back. A deleted file removes its routes.
 */
public class ValidatedRouteReload implements ResourceReload {

    private static final Logger log = LoggerFactory.getLogger(ValidatedRouteReload.class);
    static final String CANDIDATE_SUFFIX = "-reload-check";

    private final CamelContext camel;
    private final EventTypeFiles files;
    private final RouteReloadStatus status;
    private final LiveTuning tuning;
    private final BatchGate batchGate;
    /** The text each file had when it last loaded successfully, to fall back to. */
    private final Map<Path, String> lastGood = new ConcurrentHashMap<>();
    /** The event types each file declares: a deleted or renamed type's route is found here. */
    private final Map<Path, Set<String>> typesOf = new ConcurrentHashMap<>();

    public ValidatedRouteReload(CamelContext camel, EventTypeFiles files, RouteReloadStatus status, LiveTuning tuning,
                                BatchGate batchGate) {
        this.camel = camel;
        this.files = files;
        this.status = status;
        this.tuning = tuning;
        this.batchGate = batchGate;
    }

    /** A file as it was loaded at startup. */
    void loaded(Path file, String text, Set<String> types) {
        lastGood.put(file, text);
        typesOf.put(file, Set.copyOf(types));
    }

    @Override
    public void onReload(String name, Resource resource) {
        Path file = Path.of(name).toAbsolutePath().normalize();
        if (file.equals(tuning.file())) {
            retune(file);
            return;
        }
        try {
            if (!Files.exists(file)) {
                removeRoutesOf(file);
                return;
            }
            // One snapshot of the text for the check and the swap: an editor still writing cannot slip in between.
            String text = Files.readString(file);
            List<EventTypeFiles.Declared> declared;
            try {
                declared = files.read(file, text);
                requireOwnTypes(file, declared);
                buildStoppedCopies(declared);
            } catch (Exception e) {
                status.rejected(file, e);
                return;
            }
            try {
                shutBatchGate();
                Set<String> ids = apply(file, declared);
                lastGood.put(file, text);
                status.applied(file, ids);
            } catch (Exception e) {
                restoreLastGood(file);
                status.rejected(file, e);
            } finally {
                batchGate.open();
            }
        } catch (Exception e) {
            status.rejected(file, e);
        }
    }

    /** The knobs file changed: applied whole, or not at all. */
    private void retune(Path file) {
        try {
            tuning.apply();
            status.applied(file, Set.of());
        } catch (Exception e) {
            status.rejected(file, e);
        }
    }

    /** An event type declared by another file stays that file's: two files for one type would swap each other out. */
    private void requireOwnTypes(Path file, List<EventTypeFiles.Declared> declared) {
        for (EventTypeFiles.Declared type : declared) {
            typesOf.forEach((other, types) -> {
                if (!other.equals(file) && types.contains(type.eventType())) {
                    throw new EventTypeRefused("event type " + type.eventType() + " is declared by " + other + " too");
                }
            });
        }
    }

    /** Builds the edit as stopped copies (checked against the database as it is built) and removes them again. */
    private void buildStoppedCopies(List<EventTypeFiles.Declared> declared) throws Exception {
        List<String> candidates = new ArrayList<>();
        try {
            for (EventTypeFiles.Declared type : declared) {
                candidates.add(files.add(type, false, CANDIDATE_SUFFIX));
            }
        } finally {
            for (String candidate : candidates) {
                files.remove(candidate);
            }
        }
    }

    /** Swaps in a file that built; a type it no longer declares loses its route. */
    private Set<String> apply(Path file, List<EventTypeFiles.Declared> declared) throws Exception {
        Set<String> types = new LinkedHashSet<>();
        Set<String> ids = new LinkedHashSet<>();
        for (EventTypeFiles.Declared type : declared) {
            files.remove(EventTypes.routeId(type.eventType()));
            ids.add(files.add(type, true, ""));
            types.add(type.eventType());
        }
        for (String gone : typesOf.getOrDefault(file, Set.of())) {
            if (!types.contains(gone)) {
                files.remove(EventTypes.routeId(gone));
            }
        }
        typesOf.put(file, Set.copyOf(types));
        return ids;
    }

    /**
     * Camel stops a replaced route while the batches that call it keep coming: an event that enters the old route as
     * its services shut down fails, and one that comes between the two routes finds none. So the swap happens with the
     * batch gate shut: the batches inside finish first, the next ones wait until the new route runs.
     */
    private void shutBatchGate() throws InterruptedException {
        if (!batchGate.shut()) {
            log.warn("Route reload: {} batch(es) still writing after the gate's patience; swapping under them",
                    batchGate.inside());
        }
    }

    private void restoreLastGood(Path file) {
        String text = lastGood.get(file);
        if (text == null) {
            return;
        }
        try {
            apply(file, files.read(file, text));
        } catch (Exception e) {
            log.error("Route reload: could not restore the last good version of {}: {}", file, e.toString());
        }
    }

    private void removeRoutesOf(Path file) throws Exception {
        List<String> removed = new ArrayList<>();
        try {
            shutBatchGate();
            for (String type : typesOf.getOrDefault(file, Set.of())) {
                String routeId = EventTypes.routeId(type);
                if (camel.getRoute(routeId) != null) {
                    files.remove(routeId);
                    removed.add(routeId);
                }
            }
        } finally {
            batchGate.open();
        }
        typesOf.remove(file);
        lastGood.remove(file);
        status.removed(file, removed);
    }
}
