package dev.sluice.validate;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * An event's {@code ts}: an ISO-8601 date-time with an offset, read as {@link OffsetDateTime#parse} reads it. The
 * common shape ({@code 2026-01-31T12:00:00Z}, {@code …:00.123+02:00}) is read field by field, because
 * {@code DateTimeFormatter} took a tenth of a consumer thread's CPU; every other text goes to
 * {@code OffsetDateTime.parse}, so what is accepted, refused and the instant it gives are the same
 * ({@code EventTimeTest} checks it against it).
 */
final class EventTime {

    private EventTime() {
    }

    static Instant parse(String text) throws DateTimeParseException {
        Instant fast = common(text);
        return fast != null ? fast : OffsetDateTime.parse(text).toInstant();
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|±HH:mm)}, or null for any other text. */
    private static Instant common(String text) {
        int n = text.length();
        if (n < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int at = 19;
        int nanos = 0;
        if (text.charAt(at) == '.') {
            int start = ++at;
            while (at < n && at - start < 9 && isDigit(text.charAt(at))) {
                nanos = nanos * 10 + (text.charAt(at++) - '0');
            }
            if (at == start) {
                return null;
            }
            for (int i = at - start; i < 9; i++) {
                nanos *= 10;
            }
        }
        ZoneOffset offset = offset(text, at);
        if (offset == null) {
            return null;
        }
        try {
            return OffsetDateTime.of(LocalDate.of(year, month, day), LocalTime.of(hour, minute, second, nanos), offset)
                    .toInstant();
        } catch (DateTimeException e) {
            // Out of range (a 30th of February, hour 24): OffsetDateTime.parse gives the reason.
            return null;
        }
    }

    private static ZoneOffset offset(String text, int at) {
        int n = text.length();
        if (at == n - 1 && text.charAt(at) == 'Z') {
            return ZoneOffset.UTC;
        }
        if (at != n - 6 || text.charAt(at + 3) != ':' || (text.charAt(at) != '+' && text.charAt(at) != '-')) {
            return null;
        }
        int hours = digits(text, at + 1, 2);
        int minutes = digits(text, at + 4, 2);
        if ((hours | minutes) < 0 || hours > 18 || minutes > 59) {
            return null;
        }
        int sign = text.charAt(at) == '-' ? -1 : 1;
        try {
            return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The number written by {@code count} ASCII digits at {@code from}, or -1. */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
