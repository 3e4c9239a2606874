package dev.sluice.store;

import io.micrometer.core.instrument.Timer;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Policy;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs the steps it wraps in one database transaction per attempt: the idempotency marker and the row commit
 * together or not at all.
 * <p>
 * Why not Camel's {@code transacted()}: with PostgreSQL a failed statement aborts the transaction, so a redelivery
 * inside it can only fail again ({@code 25P02}); and {@code transacted()} in a sub-route marks the exchange exhausted,
 * so the caller's dead-letter channel neither retries nor dead-letters it and the event is lost. Here the wrapped
 * steps run without an error handler of their own; a failure rolls this attempt back and propagates to the caller,
 * whose redelivery starts the next attempt in a fresh transaction. An attempt that returns without a failure has
 * committed, which is when its caller counts what it wrote.
 */
public class AttemptTransactionPolicy implements Policy {

    private final TransactionTemplate transactionTemplate;
    private final Timer transactionTimer;

    public AttemptTransactionPolicy(TransactionTemplate transactionTemplate, Timer transactionTimer) {
        this.transactionTemplate = transactionTemplate;
        this.transactionTimer = transactionTimer;
    }

    @Override
    public void beforeWrap(Route route, NamedNode definition) {
    }

    @Override
    public Processor wrap(Route route, Processor processor) {
        AsyncProcessor steps = AsyncProcessorConverterHelper.convert(processor);
        return exchange -> transactionTimer.record(() -> {
            try {
                transactionTemplate.executeWithoutResult(status -> {
                    try {
                        // Synchronous on purpose: the transaction is bound to this thread.
                        steps.process(exchange);
                    } catch (Exception e) {
                        exchange.setException(e);
                    }
                    if (exchange.getException() != null || exchange.isRollbackOnly()) {
                        status.setRollbackOnly();
                    }
                });
            } catch (RuntimeException commitOrRollbackFailure) {
                // A rollback that fails (the connection is already gone) must not hide why the attempt failed:
                // the original failure decides between redelivery and dead letter.
                if (exchange.getException() != null) {
                    exchange.getException().addSuppressed(commitOrRollbackFailure);
                } else {
                    exchange.setException(commitOrRollbackFailure);
                }
            }
        });
    }
}
