package dev.sluice.deadletter;

import org.apache.camel.Message;

/**
 * A dead letter described and ready to write: its {@code dlq_events} row ({@link DeadLetter#row}) and the record the
 * dead-letter topic gets for it, with the producer's headers, the dead-letter headers and the value that fits.
 */
public record PreparedDeadLetter(DeadLetter letter, Message topicRecord) {
}
