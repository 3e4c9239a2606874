package dev.sluice.store;

import java.util.function.IntSupplier;

/** Housekeeping that touches at most a batch of rows per statement, so that no statement holds locks for long. */
final class BatchedStatements {

    private BatchedStatements() {
    }

    /** Runs the statement until it affects less than a whole batch; returns how many it affected in all. */
    static long repeatWhileFull(int batch, IntSupplier statement) {
        long total = 0;
        int affected;
        do {
            affected = statement.getAsInt();
            total += affected;
        } while (affected == batch);
        return total;
    }
}
