package dev.sluice.deadletter;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Text that PostgreSQL and every reader of a dead letter can take, whatever arrived: a dead letter that cannot be
 * written stops its partition for good, so none of its text may depend on the producer's good manners. NUL (which
 * PostgreSQL refuses in {@code text}), other control characters but tab and newline, and lone surrogates become
 * U+FFFD; bytes that are not UTF-8 are decoded with U+FFFD for each bad sequence; the length is capped.
 */
public final class DeadLetterText {

    /** Room for a JDBC driver's or PostgreSQL's own words about a failure, and no more. */
    public static final int MAX_CHARS = 2000;
    private static final char REPLACEMENT = '\uFFFD';

    private DeadLetterText() {
    }

    public static String of(String text) {
        return of(text, MAX_CHARS);
    }

    public static String of(String text, int maxChars) {
        if (text == null) {
            return null;
        }
        int length = Math.min(text.length(), maxChars);
        StringBuilder clean = new StringBuilder(length + 3);
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                if (i + 1 < length) {
                    clean.append(c).append(text.charAt(++i));
                }
            } else if (Character.isSurrogate(c) || (Character.isISOControl(c) && c != '\t' && c != '\n')) {
                clean.append(REPLACEMENT);
            } else {
                clean.append(c);
            }
        }
        return text.length() > maxChars ? clean.append("...").toString() : clean.toString();
    }

    /** Bytes as text: strict UTF-8 where they are, U+FFFD for each sequence that is not. */
    public static String ofBytes(byte[] bytes, int maxChars) {
        if (bytes == null) {
            return null;
        }
        try {
            return of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(bytes, 0, Math.min(bytes.length, maxChars * 4)))
                    .toString(), maxChars);
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder cannot fail", e);
        }
    }
}
