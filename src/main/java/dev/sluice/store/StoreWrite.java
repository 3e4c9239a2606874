package dev.sluice.store;

/** How an event type's store route writes a chunk, inside the attempt's transaction. */
interface StoreWrite {

    /** Writes the chunk and tells it what each event became; a failure leaves the transaction to roll back. */
    void write(StoreChunk chunk);
}
