package dev.sluice.validate;

/**
 * Which strings reach PostgreSQL exactly as sent. A JSON string may hold what a PostgreSQL {@code text} cannot: the
 * escape {@code \u0000} (PostgreSQL refuses a NUL byte), and a lone surrogate such as {@code \ud800}, which is valid
 * JSON but not Unicode: UTF-8 cannot encode it, and the driver writes {@code ?} in its place without a word. Every
 * other character survives the trip unchanged.
 */
final class StorableText {

    private StorableText() {
    }

    /** The index of the first character PostgreSQL cannot store unchanged, or -1. */
    static int firstUnstorable(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return i;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** What is wrong at {@code index}, for a dead letter's reason: the character as its JSON escape. */
    static String describe(String text, int index) {
        char c = text.charAt(index);
        String what = c == '\u0000' ? "a NUL character" : "a lone surrogate";
        return "holds %s (\\u%04x) at character %d, which PostgreSQL cannot store unchanged".formatted(what, (int) c,
                index);
    }
}
