package dev.sluice.store;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Predicate;

/**
 * The rows of one store attempt on the batch path: what is sent to a store route, what its idempotency claim found,
 * and which of those changed nothing ({@link SupersededEvents}). Iterated, it gives the rows to write, those seen for
 * the first time, which is what the batched statement binds. The caller reads the outcomes once the attempt has
 * returned without a failure, that is once its transaction has committed; an attempt that failed leaves nothing to
 * count.
 */
public final class StoreChunk implements Iterable<Map<String, Object>> {

    /**
     * After the claim: whether any row is left to insert. Plain Java rather than {@code ${body.isEmpty()}}, whose
     * method call camel-bean would cache per list (its BeanInfo cache keys on the object called), keeping rows alive.
     */
    public static final Predicate ANY_FIRST_SEEN =
            exchange -> !exchange.getMessage().getBody(StoreChunk.class).firstSeen.isEmpty();

    private final List<Map<String, Object>> rows;
    private volatile List<Map<String, Object>> firstSeen = List.of();
    private volatile Set<String> supersededIds = Set.of();
    private volatile String supersededReason;

    public StoreChunk(List<Map<String, Object>> rows) {
        this.rows = List.copyOf(rows);
    }

    public List<Map<String, Object>> rows() {
        return rows;
    }

    /** Set by the claim: the rows whose event ids the markers table did not have yet, in batch order. */
    void claimed(List<Map<String, Object>> rows) {
        this.firstSeen = List.copyOf(rows);
    }

    public List<Map<String, Object>> firstSeen() {
        return firstSeen;
    }

    public int duplicates() {
        return rows.size() - firstSeen.size();
    }

    /** The rows to write: those seen for the first time. */
    @Override
    public Iterator<Map<String, Object>> iterator() {
        return firstSeen.iterator();
    }

    /** Set after the write: which first-seen events changed nothing, and why. */
    void superseded(String reason, Set<String> eventIds) {
        this.supersededReason = reason;
        this.supersededIds = Set.copyOf(eventIds);
    }

    /** The first-seen rows the write applied. */
    public List<Map<String, Object>> applied() {
        if (supersededIds.isEmpty()) {
            return firstSeen;
        }
        List<Map<String, Object>> applied = new ArrayList<>(firstSeen.size());
        for (Map<String, Object> row : firstSeen) {
            // The ledger gives ids as PostgreSQL prints a uuid, in lower case; a producer may send upper case.
            if (!supersededIds.contains(String.valueOf(row.get(EventRows.EVENT_ID)).toLowerCase(Locale.ROOT))) {
                applied.add(row);
            }
        }
        return applied;
    }

    public int superseded() {
        return supersededIds.size();
    }

    /** {@link SupersededEvents#CONFLICT} or {@link SupersededEvents#STALE}; null while nothing was superseded. */
    public String supersededReason() {
        return supersededIds.isEmpty() ? null : supersededReason;
    }
}
