package dev.sluice.validate;

import dev.sluice.event.FailureReason;
import dev.sluice.event.RejectedEventException;

/**
 * JSON on the wire is UTF-8 without a byte-order mark (RFC 8259, section 8.1), and that is all Sluice reads. Jackson
 * would also accept a UTF-8 byte-order mark and guess UTF-16 or UTF-32 from the first bytes, so a record that another
 * consumer refuses, or reads differently, would be written here: such a record is {@code malformed}.
 * <p>
 * Jackson guesses another encoding only from a byte-order mark or a NUL byte among the first four bytes, and a NUL
 * can never start UTF-8 JSON (a raw control character is invalid anywhere in it): with neither, it reads UTF-8, and
 * refuses bytes that are not.
 */
final class Utf8Json {

    private Utf8Json() {
    }

    static void requireUtf8(byte[] value) {
        if (value.length >= 3 && value[0] == (byte) 0xEF && value[1] == (byte) 0xBB && value[2] == (byte) 0xBF) {
            throw malformed("record value starts with a byte-order mark (EF BB BF); JSON must be sent without one");
        }
        if (value.length >= 2 && ((value[0] == (byte) 0xFE && value[1] == (byte) 0xFF)
                || (value[0] == (byte) 0xFF && value[1] == (byte) 0xFE))) {
            throw malformed("record value starts with a UTF-16 byte-order mark; JSON must be UTF-8");
        }
        for (int i = 0; i < Math.min(4, value.length); i++) {
            if (value[i] == 0) {
                throw malformed("record value has a NUL byte among its first four (UTF-16 or UTF-32?); JSON must be"
                        + " UTF-8");
            }
        }
    }

    private static RejectedEventException malformed(String reason) {
        return new RejectedEventException(FailureReason.MALFORMED, reason);
    }
}
