package dev.sluice.validate;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** EventTime reads what OffsetDateTime.parse reads, the same way, and refuses what it refuses. */
class EventTimeTest {

    private static final long SEED = 20261207L;
    private static final String[] EDGES = {
            "2026-01-31T12:00:00Z", "2026-01-31T12:00:00.1Z", "2026-01-31T12:00:00.123456789Z",
            "2026-01-31T12:00:00.1234567890Z", "2026-01-31T12:00:00.Z", "2026-01-31T12:00:00+02:00",
            "2026-01-31T12:00:00-00:00", "2026-01-31T12:00:00+18:00", "2026-01-31T12:00:00+18:01",
            "2026-01-31T12:00:00-18:00", "2026-01-31T12:00:00+19:00", "2026-01-31T12:00:00+02:60",
            "2026-02-29T00:00:00Z", "2024-02-29T00:00:00Z", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z",
            "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-31T24:00:00Z", "2026-01-31T23:60:00Z",
            "2026-01-31T23:59:60Z", "2026-01-31t12:00:00Z", "2026-01-31T12:00:00z", "2026-01-31T12:00Z",
            "2026-01-31 12:00:00Z", "2026-01-31T12:00:00", "2026-01-31T12:00:00+0200", "2026-01-31T12:00:00+02",
            "+2026-01-31T12:00:00Z", "12026-01-31T12:00:00Z", "0000-01-01T00:00:00Z", "2026-1-31T12:00:00Z",
            "2026-01-31T12:00:00Z ", " 2026-01-31T12:00:00Z", "2026-01-31T12:00:00+02:00:30", "2026-01-31T12:0a:00Z",
            "2026-01-31T12:00:00.12a3Z", "２０２６-01-31T12:00:00Z", "2026-01-31T12:00:00+02:00[Europe/Paris]", ""};

    @Test
    void theEdgesReadAsOffsetDateTimeReadsThem() {
        for (String text : EDGES) {
            assertSameAsOffsetDateTime(text);
        }
    }

    @Test
    void randomDateTimesAndTheirMutationsReadAsOffsetDateTimeReadsThem() {
        Random random = new Random(SEED);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            String text = "%04d-%02d-%02dT%02d:%02d:%02d%s%s".formatted(random.nextInt(10_000), random.nextInt(14),
                    random.nextInt(33), random.nextInt(26), random.nextInt(62), random.nextInt(62),
                    random.nextBoolean() ? "" : "." + "123456789012".substring(0, random.nextInt(12)),
                    random.nextBoolean() ? "Z" : "%s%02d:%02d".formatted(random.nextBoolean() ? "+" : "-",
                            random.nextInt(20), random.nextInt(62)));
            texts.add(text);
            texts.add(mutated(text, random));
        }
        texts.forEach(EventTimeTest::assertSameAsOffsetDateTime);
    }

    @Test
    void aTextOffsetDateTimeRefusesIsRefusedWithItsReason() {
        assertThatThrownBy(() -> EventTime.parse("2026-02-30T00:00:00Z")).isInstanceOf(DateTimeParseException.class)
                .hasMessageContaining("Invalid date 'FEBRUARY 30'");
    }

    private static String mutated(String text, Random random) {
        char[] chars = text.toCharArray();
        chars[random.nextInt(chars.length)] = "0123456789:-+TZ.x ".charAt(random.nextInt(18));
        return new String(chars);
    }

    private static void assertSameAsOffsetDateTime(String text) {
        Instant expected;
        try {
            expected = OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            assertThatThrownBy(() -> EventTime.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
            return;
        }
        assertThat(EventTime.parse(text)).as(text).isEqualTo(expected);
    }
}
