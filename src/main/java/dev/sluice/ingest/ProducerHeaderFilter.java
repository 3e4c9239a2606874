package dev.sluice.ingest;

import java.util.Locale;

import dev.sluice.deadletter.DeadLetterHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaHeaderFilterStrategy;

/**
 * The events topic's header filter: camel-kafka's own (no {@code Camel*} or {@code kafka.*} header from a producer),
 * and no header in Sluice's namespace either ({@code sluice*}, any case), so a producer cannot pass an event id, a
 * dead-letter reason or an event type off as Sluice's. The one exception is {@link DeadLetterHeaders#REPLAY_COUNT},
 * which the replay command writes; it is believed only as a bounded number (DeadLetterDescriber).
 */
public class ProducerHeaderFilter extends KafkaHeaderFilterStrategy {

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        if (headerName.toLowerCase(Locale.ROOT).startsWith("sluice")) {
            return !headerName.equals(DeadLetterHeaders.REPLAY_COUNT);
        }
        return super.applyFilterToExternalHeaders(headerName, headerValue, exchange);
    }
}
