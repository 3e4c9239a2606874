package dev.sluice.store;

import java.util.List;
import java.util.Map;

import org.apache.camel.Predicate;

/**
 * The rows of one store attempt on the batch path: what is sent to a store route, and what its idempotency claim
 * found. The caller reads {@link #firstSeen()} once the attempt has returned without a failure, that is once its
 * transaction has committed; an attempt that failed leaves nothing to count.
 */
public final class StoreChunk {

    /**
     * After the claim: whether any row is left to insert. Plain Java rather than {@code ${body.isEmpty()}}, whose
     * method call camel-bean would cache per list (its BeanInfo cache keys on the object called), keeping rows alive.
     */
    public static final Predicate ANY_FIRST_SEEN = exchange -> !exchange.getMessage().getBody(List.class).isEmpty();

    private final List<Map<String, Object>> rows;
    private volatile List<Map<String, Object>> firstSeen = List.of();

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
}
