package dev.sluice.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How an event type's events change their table (docs/write-modes.md). */
public enum WriteMode {
    /** A creation: one per key; a second one is a conflict. */
    INSERT,
    /** A change of some columns, applied only if newer than the row; makes the row if it is not there yet. */
    UPSERT,
    /** A soft deletion, final whatever comes after it. */
    DELETE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static WriteMode of(String declared) {
        for (WriteMode mode : values()) {
            if (mode.label().equals(declared)) {
                return mode;
            }
        }
        throw new EventTypeRefused("mode '" + declared + "' is not one of " + Arrays.stream(values())
                .map(WriteMode::label).collect(Collectors.joining(", ")));
    }
}
