package dev.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class BatchGateTest {

    private final CamelContext camel = new DefaultCamelContext();

    @Test
    void aSwapWaitsForTheBatchInsideAndTheNextBatchWaitsForTheSwap() throws Exception {
        BatchGate gate = new BatchGate(Duration.ofSeconds(30));
        Exchange inside = new DefaultExchange(camel);
        gate.onExchangeBegin(null, inside);

        CompletableFuture<Boolean> swap = CompletableFuture.supplyAsync(() -> shut(gate));
        Thread.sleep(200);
        assertThat(swap).as("the swap waits for the batch inside").isNotDone();

        gate.onExchangeDone(null, inside);
        assertThat(swap.get(5, TimeUnit.SECONDS)).as("every batch left in time").isTrue();

        CompletableFuture<Void> next = CompletableFuture.runAsync(() -> gate.onExchangeBegin(null, new DefaultExchange(camel)));
        Thread.sleep(200);
        assertThat(next).as("the next batch waits while the gate is shut").isNotDone();
        assertThat(gate.inside()).isZero();

        gate.open();
        next.get(5, TimeUnit.SECONDS);
        assertThat(gate.inside()).isOne();
    }

    @Test
    void aBatchThatNeverLeavesDelaysASwapByThePatienceAndNoMore() throws Exception {
        BatchGate gate = new BatchGate(Duration.ofMillis(300));
        gate.onExchangeBegin(null, new DefaultExchange(camel));

        long started = System.nanoTime();
        assertThat(gate.shut()).as("the batch is still inside").isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));

        // Nor does a batch wait longer than the patience for a swap that never opens the gate.
        started = System.nanoTime();
        gate.onExchangeBegin(null, new DefaultExchange(camel));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
        assertThat(gate.inside()).isEqualTo(2);
    }

    @Test
    void aBatchLeavesOnceHoweverOftenItIsDone() throws Exception {
        BatchGate gate = new BatchGate(Duration.ofSeconds(30));
        Exchange batch = new DefaultExchange(camel);
        gate.onExchangeBegin(null, batch);
        gate.onExchangeBegin(null, new DefaultExchange(camel));

        gate.onExchangeDone(null, batch);
        gate.onExchangeDone(null, batch);
        gate.onExchangeDone(null, new DefaultExchange(camel));

        assertThat(gate.inside()).isOne();
    }

    private static boolean shut(BatchGate gate) {
        try {
            return gate.shut();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
