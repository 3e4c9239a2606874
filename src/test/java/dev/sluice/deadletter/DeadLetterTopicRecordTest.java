package dev.sluice.deadletter;

import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterTopicRecordTest {

    private final DeadLetterTopicRecord topic = new DeadLetterTopicRecord(1_000);

    @Test
    void aRecordThatFitsKeepsItsValueAndHeaders() {
        Message message = message();
        byte[] value = new byte[500];

        assertThat(topic.fit(message, value)).isSameAs(value);
        assertThat(message.getHeaders()).doesNotContainKey(DeadLetterHeaders.OMITTED).containsKey("trace");
    }

    @Test
    void aValueThatWouldNotFitIsLeftOutAndTheRecordSaysSo() {
        Message message = message();

        assertThat(topic.fit(message, new byte[990])).isEmpty();
        assertThat((String) message.getHeader(DeadLetterHeaders.OMITTED)).contains("value (990 bytes)")
                .contains("dlq_events");
        assertThat(message.getHeaders()).containsKey("trace");
    }

    @Test
    void producerHeadersTooLargeToFitAreLeftOutButOursAndTheKeyStay() {
        Message message = message();
        message.setHeader("padding", new byte[2_000]);

        assertThat(topic.fit(message, new byte[10])).isEmpty();
        assertThat(message.getHeaders()).doesNotContainKeys("padding", "trace")
                .containsKeys(DeadLetterHeaders.REASON, KafkaConstants.KEY, DeadLetterHeaders.OMITTED);
    }

    private static Message message() {
        Message message = new DefaultMessage(new DefaultCamelContext());
        message.setHeader(DeadLetterHeaders.REASON, "malformed");
        message.setHeader(KafkaConstants.KEY, "user:1".getBytes());
        message.setHeader("trace", "abc".getBytes());
        return message;
    }
}
