package dev.sluice.store;

/** What storing one event did, once its transaction committed. */
public enum StoreOutcome {
    /** It changed its row: created, updated or deleted it. */
    APPLIED,
    /** Its id was claimed before: the same event read again. */
    DUPLICATE,
    /** A creation for a key another event already created; recorded in {@code superseded_events}. */
    CONFLICT,
    /** A change older than its row, or after the row's deletion; recorded in {@code superseded_events}. */
    STALE;

    /** The {@code reason} of its {@code superseded_events} row; null for an event that is not superseded. */
    public String supersededReason() {
        return this == CONFLICT || this == STALE ? name().toLowerCase(java.util.Locale.ROOT) : null;
    }
}
