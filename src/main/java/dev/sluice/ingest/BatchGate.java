package dev.sluice.ingest;

import java.time.Duration;

import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;

/**
 * Lets live reload swap a store route between batches, never under one. Every batch's writes (the write-batch route,
 * whose policy this is) pass through the gate; a swap shuts it, waits for the batches inside to finish, swaps, and
 * opens it again, while the next batches wait at the gate.
 * <p>
 * Camel's own route suspension cannot do this with camel-kafka 4.17: {@code suspendRoute} returns before the consumer
 * has paused (the pause is applied after the poll being processed, so one more batch can run into the swap), and a
 * batch that fails while its route is suspended ends the consumer's polling thread for good.
 * <p>
 * Neither side waits longer than its patience: a batch stuck inside (a database that hangs) delays a swap by that
 * much and no more, and the swap then goes ahead under the store routes' own grace ({@code EventTypes}).
 */
public final class BatchGate extends RoutePolicySupport {

    /** Marks an exchange that is inside, so that it leaves once however often Camel says it is done. */
    private static final String INSIDE = "SluiceBatchGateInside";

    private final Duration patience;
    private int inside;
    private boolean shut;

    public BatchGate(Duration patience) {
        this.patience = patience;
    }

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        enter();
        exchange.setProperty(INSIDE, Boolean.TRUE);
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        if (exchange.removeProperty(INSIDE) != null) {
            leave();
        }
    }

    /** A batch comes in: at once while the gate is open, after the swap (or the patience) while it is shut. */
    synchronized void enter() {
        long deadline = System.nanoTime() + patience.toNanos();
        try {
            for (long left = patience.toNanos(); shut && left > 0; left = deadline - System.nanoTime()) {
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        inside++;
    }

    synchronized void leave() {
        inside--;
        notifyAll();
    }

    /**
     * Shuts the gate and waits for the batches inside. Returns whether they all left within the patience; the gate is
     * shut either way, until {@link #open()}.
     */
    public synchronized boolean shut() throws InterruptedException {
        shut = true;
        long deadline = System.nanoTime() + patience.toNanos();
        for (long left = patience.toNanos(); inside > 0 && left > 0; left = deadline - System.nanoTime()) {
            wait(Math.max(1, left / 1_000_000));
        }
        return inside == 0;
    }

    public synchronized void open() {
        shut = false;
        notifyAll();
    }

    /** Batches inside now. */
    public synchronized int inside() {
        return inside;
    }
}
