package dev.sluice.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sluice.event.ValidEvent;
import dev.sluice.validate.EventSchemas;
import io.micrometer.core.instrument.Timer;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Mode insert's escape hatch: an {@code INSERT} of the operator's own ({@code write}), its values named
 * {@code :#field}, for a table the generated statement does not fit. Three statements, not one: the claim of the ids,
 * the operator's statement for the events seen for the first time (one JDBC batch, which pgjdbc rewrites into
 * multi-row INSERTs), and the record of the creations it did not apply (their event id is not in the table), so a
 * conflict is still never silent. The names it may use: the payload's fields (bound by what the event's schema version
 * declares, like the generated statement), {@code key}, {@code ts}, {@code event_id}, {@code source_topic},
 * {@code source_partition}, {@code source_offset}.
 */
final class RawInsert implements StoreWrite {

    private static final Pattern NAMED = Pattern.compile(":#(\\w+)");
    private static final Set<String> BOOKKEEPING_NAMES = Set.of("event_id", "source_topic", "source_partition",
            "source_offset");

    private final EventType type;
    private final String sql;
    private final List<String> names = new ArrayList<>();
    private final EventSchemas schemas;
    private final PostgresMessageIdRepository markers;
    private final SupersededEvents superseded;
    private final JdbcTemplate jdbc;
    private final Timer timer;
    /** False on the one-record path, where Camel's idempotent consumer claimed the id already. */
    private final boolean claims;

    RawInsert(EventType type, EventSchemas schemas, PostgresMessageIdRepository markers, SupersededEvents superseded,
              JdbcTemplate jdbc, Timer timer, boolean claims) {
        this.claims = claims;
        this.type = type;
        this.schemas = schemas;
        this.markers = markers;
        this.superseded = superseded;
        this.jdbc = jdbc;
        this.timer = timer;
        Matcher named = NAMED.matcher(type.write().orElseThrow());
        StringBuilder positional = new StringBuilder();
        while (named.find()) {
            names.add(named.group(1));
            named.appendReplacement(positional, "?");
        }
        named.appendTail(positional);
        this.sql = positional.toString();
        for (String name : names) {
            if (!BOOKKEEPING_NAMES.contains(name) && !ValidEvent.isEnvelope(name)
                    && schemas.versions(type.name()).stream()
                    .noneMatch(version -> schemas.fieldTypes(type.name(), version, name).isPresent())) {
                throw new EventTypeRefused("write: :#" + name + " is not a field of " + type.name()
                        + " (its schemas declare none by that name)");
            }
        }
    }

    /** The statement as PostgreSQL receives it, to check that it prepares against the live table. */
    String sql() {
        return sql;
    }

    @Override
    public void write(StoreChunk chunk) {
        List<ValidEvent> fresh = claims ? markers.claimFirstSeen(chunk.events()) : chunk.events();
        if (!fresh.isEmpty()) {
            List<Object[]> rows = new ArrayList<>(fresh.size());
            for (ValidEvent event : fresh) {
                rows.add(names.stream().map(name -> value(event, name)).toArray());
            }
            timer.record(() -> jdbc.batchUpdate(sql, rows));
        }
        Set<String> conflicts = fresh.isEmpty() ? Set.of()
                : superseded.recordConflicts(fresh, type.table(), type.name(), type.key());
        Set<String> freshIds = new java.util.HashSet<>();
        fresh.forEach(event -> freshIds.add(event.eventId()));
        StoreOutcome[] outcomes = new StoreOutcome[chunk.events().size()];
        for (int i = 0; i < outcomes.length; i++) {
            String id = chunk.events().get(i).eventId();
            outcomes[i] = !freshIds.remove(id) ? StoreOutcome.DUPLICATE
                    : conflicts.contains(id.toLowerCase(Locale.ROOT)) ? StoreOutcome.CONFLICT : StoreOutcome.APPLIED;
        }
        chunk.written(outcomes);
    }

    private Object value(ValidEvent event, String name) {
        return switch (name) {
            case "event_id" -> java.util.UUID.fromString(event.eventId());
            case "source_topic" -> event.source().lineage();
            case "source_partition" -> event.source().partition();
            case "source_offset" -> event.source().offset();
            case ValidEvent.KEY -> event.key();
            case ValidEvent.TS -> java.time.OffsetDateTime.parse(event.ts());
            default -> schemas.fieldTypes(type.name(), event.schemaVersion(), name).isPresent()
                    ? event.payload().get(name) : null;
        };
    }
}
