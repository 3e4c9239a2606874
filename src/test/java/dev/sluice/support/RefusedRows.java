package dev.sluice.support;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A row PostgreSQL refuses, on demand: a CHECK on {@code reviews} against any review text that starts with
 * {@value #PREFIX}. The validator refuses everything it can see coming (a NUL, a lone surrogate), so a test of what
 * happens when the database itself says no needs the database to say it.
 */
public final class RefusedRows {

    /** Review text that starts with this is refused by PostgreSQL while the check is installed. */
    public static final String PREFIX = "refused";
    private static final String NAME = "sluice_test_refused_rows";

    private RefusedRows() {
    }

    public static void install(JdbcTemplate jdbc) {
        remove(jdbc);
        jdbc.execute("ALTER TABLE reviews ADD CONSTRAINT " + NAME + " CHECK (review_text NOT LIKE '" + PREFIX
                + "%') NOT VALID");
    }

    public static void remove(JdbcTemplate jdbc) {
        jdbc.execute("ALTER TABLE reviews DROP CONSTRAINT IF EXISTS " + NAME);
    }
}
