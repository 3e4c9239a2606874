package dev.sluice.ingest;

/**
 * A batch whose writes ran out of time: what was written is committed, and failing the batch makes camel-kafka
 * reconnect and read the rest again from the committed offsets. Failing is the only safe way back: camel-kafka may
 * already hold later records of the same poll, which a seek would not take back (camel-kafka 4.17 batching).
 */
public class BatchDeadlineExceeded extends RuntimeException {

    private final int done;

    public BatchDeadlineExceeded(int done, int records) {
        super("Batch deadline reached: " + done + " of " + records + " records written or dead-lettered and committed;"
                + " the rest will be read again");
        this.done = done;
    }

    public int done() {
        return done;
    }
}
