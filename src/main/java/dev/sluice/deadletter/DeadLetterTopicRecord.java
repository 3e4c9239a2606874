package dev.sluice.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * Keeps a dead letter's topic record under the topic's maximum record size. A record that arrived just under the
 * broker's limit no longer fits once the dead-letter headers ride along, and a send the broker refuses would fail the
 * dead letter, and so its batch, on every re-read. Such a record goes to the topic without its value (and, if even
 * that is too large, without the producer's headers); {@link DeadLetterHeaders#OMITTED} says what is missing, and
 * {@code dlq_events} keeps the full bytes.
 */
public class DeadLetterTopicRecord {

    /**
     * Below Kafka's default {@code max.request.size} (1,048,576) and the broker's {@code message.max.bytes}
     * (1,048,588), with room for the record's framing.
     */
    public static final int DEFAULT_MAX_BYTES = 1_000_000;
    private static final byte[] NOTHING = new byte[0];

    private final int maxBytes;

    public DeadLetterTopicRecord(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The value to send; the headers of {@code message} are trimmed in place if they alone would not fit. */
    public byte[] fit(Message message, byte[] value) {
        int valueBytes = value == null ? 0 : value.length;
        int headerBytes = sizeOfHeaders(message.getHeaders());
        if (valueBytes + headerBytes <= maxBytes) {
            return value;
        }
        String omitted = "value (" + valueBytes + " bytes)";
        if (headerBytes > maxBytes) {
            message.getHeaders().keySet().removeIf(name -> !isOurs(name) && !name.equals(KafkaConstants.KEY));
            omitted += " and the producer's headers";
        }
        message.setHeader(DeadLetterHeaders.OMITTED, omitted + ": over the dead-letter topic's " + maxBytes
                + "-byte limit; dlq_events has the original bytes");
        return NOTHING;
    }

    /** Roughly what the producer will send: the key and the headers that are not Camel's or camel-kafka's own. */
    static int sizeOfHeaders(Map<String, Object> headers) {
        int size = 0;
        for (Map.Entry<String, Object> header : headers.entrySet()) {
            String name = header.getKey();
            if (name.equals(KafkaConstants.KEY)) {
                size += sizeOf(header.getValue());
            } else if (!name.startsWith("kafka.") && !name.toLowerCase(Locale.ROOT).startsWith("camel")) {
                size += name.length() * 3 + sizeOf(header.getValue()) + 8;
            }
        }
        return size;
    }

    private static int sizeOf(Object value) {
        if (value == null) {
            return 0;
        }
        if (value instanceof byte[] bytes) {
            return bytes.length;
        }
        return value.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    private static boolean isOurs(String header) {
        return header.startsWith("sluice_");
    }
}
