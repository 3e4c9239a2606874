package dev.sluice.event;


/** An event that can never be written as it is: it goes to the dead-letter channel without redelivery. */
public class RejectedEventException extends RuntimeException {

    private final FailureReason reason;

    public RejectedEventException(FailureReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public FailureReason reason() {
        return reason;
    }
}
