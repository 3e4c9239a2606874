package dev.sluice.store;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.config.SluiceProperties;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Bounded database time and a pool sized for its users, put on the pipeline's pool before it opens its first
 * connection, and checked against each other so a misconfiguration fails at startup with one clear message instead of
 * a consumer that is thrown out of its group under load.
 * <ul>
 * <li>PostgreSQL's {@code statement_timeout} and {@code lock_timeout} on every connection (pgjdbc {@code options}),
 * and pgjdbc's {@code socketTimeout}, which ends a read from a server that stopped answering without closing.</li>
 * <li>A batch's worst case, its deadline plus one record's full redelivery cycle, stays under
 * {@code max.poll.interval.ms}.</li>
 * <li>The pool holds a connection for each consumer thread, each concurrent dead-letter sender and the health check.</li>
 * </ul>
 */
public class DatabaseLimits implements BeanPostProcessor {

    /** Dead letters of rejected records written at once (OneByOne), and the readiness check's connection. */
    static final int OTHER_CONNECTION_USERS = 4 + 1;

    /**
     * A store route's statement is one prepared statement over arrays, run hundreds of times a second under a trickle
     * of small batches; with PostgreSQL's default (auto) it was planned again for most chunks, and 40 events took about
     * 1.1 ms instead of 0.7 ms with the generic plan (500 took the same either way). Its plan does not depend on the
     * values, so the generic plan is kept, on every connection of the pool (docs/performance.md).
     */
    static final String PLAN_CACHE_MODE = "force_generic_plan";

    private final Environment environment;

    public DatabaseLimits(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool) {
            SluiceProperties properties = Binder.get(environment).bind("sluice", SluiceProperties.class)
                    .orElseThrow(() -> new IllegalStateException("sluice.* properties are missing"));
            check(properties, pool.getMaximumPoolSize());
            SluiceProperties.Database database = properties.database();
            pool.addDataSourceProperty("options", "-c statement_timeout=" + database.statementTimeout().toMillis()
                    + " -c lock_timeout=" + database.lockTimeout().toMillis()
                    + " -c plan_cache_mode=" + PLAN_CACHE_MODE);
            pool.addDataSourceProperty("socketTimeout", String.valueOf(seconds(database.socketTimeout())));
        }
        return bean;
    }

    static void check(SluiceProperties properties, int poolSize) {
        SluiceProperties.Database database = properties.database();
        SluiceProperties.Consumer consumer = properties.consumer();
        require(database.lockTimeout().compareTo(database.statementTimeout()) <= 0,
                "sluice.database.lock-timeout (%s) must not exceed statement-timeout (%s)",
                database.lockTimeout(), database.statementTimeout());
        require(database.statementTimeout().compareTo(database.transactionTimeout()) <= 0,
                "sluice.database.statement-timeout (%s) must not exceed transaction-timeout (%s)",
                database.statementTimeout(), database.transactionTimeout());
        require(database.socketTimeout().compareTo(database.transactionTimeout()) > 0,
                "sluice.database.socket-timeout (%s) must exceed transaction-timeout (%s), so PostgreSQL cancels a"
                        + " slow statement before the driver gives up on the connection",
                database.socketTimeout(), database.transactionTimeout());
        Duration worstBatch = consumer.batchDeadline().plus(oneRecordWorstCase(properties));
        require(worstBatch.toMillis() < consumer.maxPollIntervalMs(),
                "sluice.consumer.batch-deadline (%s) plus one record's redeliveries at the transaction timeout (%s)"
                        + " is %s, not under max-poll-interval-ms (%d): the broker would take the partitions away"
                        + " mid-batch", consumer.batchDeadline(), oneRecordWorstCase(properties), worstBatch,
                consumer.maxPollIntervalMs());
        int needed = consumer.threads() + OTHER_CONNECTION_USERS;
        require(poolSize >= needed,
                "spring.datasource.hikari.maximum-pool-size is %d, but %d consumer thread(s), 4 dead-letter senders and"
                        + " the health check need %d connections (SLUICE_CONSUMER_THREADS + 5)",
                poolSize, consumer.threads(), needed);
    }

    /** One record alone: every redelivery attempt at the transaction timeout, with the longest backoffs between. */
    static Duration oneRecordWorstCase(SluiceProperties properties) {
        SluiceProperties.Redelivery redelivery = properties.redelivery();
        int attempts = redelivery.maximumRedeliveries() + 1;
        return properties.database().transactionTimeout().multipliedBy(attempts)
                .plus(redelivery.maximumDelay().multipliedBy(redelivery.maximumRedeliveries()));
    }

    private static long seconds(Duration duration) {
        return Math.max(1, (duration.toMillis() + 999) / 1000);
    }

    private static void require(boolean holds, String problem, Object... arguments) {
        if (!holds) {
            throw new IllegalStateException("Sluice cannot start: " + String.format(problem, arguments));
        }
    }
}
