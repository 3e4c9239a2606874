package dev.sluice.deadletter;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterTextTest {

    @Test
    void nulAndOtherControlCharactersBecomeTheReplacementCharacter() {
        assertThat(DeadLetterText.of("a\u0000b\u0007c\td\ne")).isEqualTo("a\uFFFDb\uFFFDc\td\ne");
    }

    @Test
    void loneSurrogatesAreReplacedAndPairsKept() {
        assertThat(DeadLetterText.of("x\uD800y\uDC00z")).isEqualTo("x\uFFFDy\uFFFDz");
        assertThat(DeadLetterText.of("smile \uD83D\uDE00")).isEqualTo("smile \uD83D\uDE00");
    }

    @Test
    void longTextIsCappedAndSaysSo() {
        assertThat(DeadLetterText.of("x".repeat(10), 4)).isEqualTo("xxxx...");
        assertThat(DeadLetterText.of("xxxx", 4)).isEqualTo("xxxx");
    }

    @Test
    void aPairCutByTheCapDoesNotLeaveHalfACharacter() {
        assertThat(DeadLetterText.of("ab\uD83D\uDE00", 3)).isEqualTo("ab...");
    }

    @Test
    void bytesThatAreNotUtf8AreDecodedWithReplacements() {
        assertThat(DeadLetterText.ofBytes(new byte[] {'o', 'k', (byte) 0xC3, 0x28, 0x00, (byte) 0xFF}, 100))
                .isEqualTo("ok\uFFFD(\uFFFD\uFFFD");
        assertThat(DeadLetterText.ofBytes(null, 10)).isNull();
    }
}
