package dev.sluice.failure;

import dev.sluice.config.SluiceProperties;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The one error-handling policy of the pipeline. YAML and Java routes opt in with {@code routeConfigurationId}.
 * <ul>
 * <li>{@value #DEAD_LETTER_CHANNEL}: for the routes that consume events. Permanent failures go to the dead-letter
 * channel at once; transient ones ({@link TransientFailures}) are redelivered with exponential backoff and jitter
 * first. The dead-letter record carries the original record bytes. If the dead-letter write itself fails, the failure
 * reaches the Kafka consumer, which does not commit the offset and reads the record again.</li>
 * <li>{@value #DEAD_LETTER_WRITES}: for the dead-letter route. A dead letter that cannot be written (not during a
 * database outage) is retried {@value #DEAD_LETTER_WRITE_RETRIES} times, then a minimal one stands in for it, so
 * one record cannot stop its partition.</li>
 * <li>{@value #PROPAGATE_FAILURES}: for the steps inside one store attempt and inside one dead-letter write. No error
 * handler of their own: a failure rolls the attempt back and surfaces to the caller, which owns redelivery.</li>
 * </ul>
 */
@Component
public class PipelineErrorHandling extends RouteConfigurationBuilder {

    public static final String DEAD_LETTER_CHANNEL = "dead-letter-channel";
    public static final String PROPAGATE_FAILURES = "propagate-failures";
    public static final String DEAD_LETTER_WRITES = "dead-letter-writes";
    public static final String DEAD_LETTER_ENDPOINT = "direct:dead-letter";
    /** Where a dead letter that could not be written is replaced by a minimal one (DeadLetterRoute). */
    public static final String DEAD_LETTER_MINIMAL_ENDPOINT = "direct:dead-letter-minimal";
    /** Retries of a dead letter that failed to be written for a reason that is not an outage. */
    static final int DEAD_LETTER_WRITE_RETRIES = 2;

    private final SluiceProperties.Redelivery redelivery;

    @Autowired
    public PipelineErrorHandling(SluiceProperties properties) {
        this.redelivery = properties.redelivery();
    }

    /** For the Camel CLI's variant, which has no Spring properties and overrides {@link #redelivery()}. */
    protected PipelineErrorHandling() {
        this.redelivery = null;
    }

    protected SluiceProperties.Redelivery redelivery() {
        return redelivery;
    }

    @Override
    public void configuration() {
        SluiceProperties.Redelivery redelivery = redelivery();
        var deadLetterChannel = routeConfiguration(DEAD_LETTER_CHANNEL);
        deadLetterChannel.errorHandler(deadLetterChannel(DEAD_LETTER_ENDPOINT)
                .deadLetterHandleNewException(false)
                .useOriginalMessage()
                .onExceptionOccurred(new FailureTracker())
                .maximumRedeliveries(0)
                .logExhausted(false));
        deadLetterChannel.onException(TransientFailures.asArray())
                // onException has its own copy of this setting: without it an exhausted event would be
                // dead-lettered as the validator's map instead of the record's bytes.
                .useOriginalMessage()
                .maximumRedeliveries(redelivery.maximumRedeliveries())
                .redeliveryDelay(redelivery.initialDelay().toMillis())
                .useExponentialBackOff()
                .backOffMultiplier(redelivery.multiplier())
                .maximumRedeliveryDelay(redelivery.maximumDelay().toMillis())
                .useCollisionAvoidance()
                .collisionAvoidanceFactor(redelivery.jitter())
                .logRetryAttempted(true)
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .logStackTrace(false)
                .logExhausted(false);

        routeConfiguration(PROPAGATE_FAILURES).errorHandler(noErrorHandler());

        // An outage is not matched here, so it propagates as it does everywhere else: the record is read again.
        var deadLetterWrites = routeConfiguration(DEAD_LETTER_WRITES);
        deadLetterWrites.errorHandler(defaultErrorHandler().maximumRedeliveries(0).logExhausted(false));
        deadLetterWrites.onException(Exception.class)
                .onWhen(exchange -> !TransientFailures.isDatabaseUnavailable(exchange.getException()))
                .maximumRedeliveries(DEAD_LETTER_WRITE_RETRIES)
                .redeliveryDelay(200)
                .logRetryAttempted(true)
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .logStackTrace(false)
                .logExhausted(false)
                .handled(true)
                // The first failure decides the match: a write that first timed out and then, on its last retry,
                // found the database gone (a silent-database test run: "Could not open JDBC Connection") must not be
                // replaced by a minimal dead letter either; the record is read again once the database answers.
                .bean(OutageGuard.class, "refuseIfDatabaseUnavailable")
                .to(DEAD_LETTER_MINIMAL_ENDPOINT);
    }
}
