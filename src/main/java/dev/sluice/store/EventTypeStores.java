package dev.sluice.store;

import java.sql.PreparedStatement;
import java.util.Map;
import java.util.function.Function;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.validate.EventSchemas;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Makes an event type's store from its file's declaration, for the store route template: parses it, checks it
 * against the live table and the type's schemas ({@link EventTypeCheck}), generates its statement
 * ({@link StoreStatement}), has PostgreSQL prepare it, and logs it. Anything wrong is an {@link EventTypeRefused}
 * naming the problem, before a route exists: at startup Sluice does not start, and a live edit keeps the route that
 * runs.
 */
public class EventTypeStores {

    private static final Logger log = LoggerFactory.getLogger(EventTypeStores.class);

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final EventSchemas schemas;
    private final EventTypes registry;
    private final String processorName;
    private final Function<String, Timer> queryTimers;
    private final ObjectMapper mapper = new ObjectMapper();

    /** {@code processorName}: whose idempotency markers (the consumer group); {@code queryTimers}: by statement name. */
    public EventTypeStores(DataSource dataSource, EventSchemas schemas, EventTypes registry, String processorName,
                           Function<String, Timer> queryTimers) {
        this.dataSource = dataSource;
        this.jdbc = new JdbcTemplate(dataSource);
        this.schemas = schemas;
        this.registry = registry;
        this.processorName = processorName;
        this.queryTimers = queryTimers;
    }

    /**
     * Whether a declaration can be built, without building it: what loading a file checks before it adds the route
     * (at startup Camel builds routes only once it starts, too late to name the file).
     */
    public void check(Map<String, Object> parameters) {
        EventType type = EventType.declared(parameters);
        LiveTable table = LiveTable.read(dataSource, type.table());
        EventTypeCheck.check(type, table, schemas);
        if (type.write().isPresent()) {
            prepares(type, new RawInsert(type, schemas, null, null, jdbc, null, true).sql());
        } else {
            prepares(type, StoreStatement.generate(type, table, true).sql());
        }
    }

    public EventTypeStore build(Map<String, Object> parameters) {
        EventType type = EventType.declared(parameters);
        LiveTable table = LiveTable.read(dataSource, type.table());
        EventTypeCheck.check(type, table, schemas);
        Timer timer = queryTimers.apply(type.mode().label() + "_" + type.table().replace('.', '_'));
        if (type.write().isPresent()) {
            PostgresMessageIdRepository markers = new PostgresMessageIdRepository(jdbc, processorName,
                    queryTimers.apply("insert_idempotency_markers"));
            SupersededEvents superseded = new SupersededEvents(jdbc);
            RawInsert chunk = new RawInsert(type, schemas, markers, superseded, jdbc, timer, true);
            prepares(type, chunk.sql());
            log.info("Event type {}: mode insert into {} with its own statement (write), in three statements per"
                    + " chunk: claim, write, record conflicts", type.name(), type.table());
            return new EventTypeStore(type, chunk, new RawInsert(type, schemas, markers, superseded, jdbc, timer, false),
                    registry);
        }
        StoreStatement claiming = StoreStatement.generate(type, table, true);
        StoreStatement claimed = StoreStatement.generate(type, table, false);
        prepares(type, claiming.sql());
        // A stopped copy is only live reload checking an edit; the route that replaces it says the same again.
        boolean checkOnly = "false".equals(String.valueOf(parameters.get(StoreRouteTemplate.AUTO_STARTUP)));
        if (!checkOnly) {
            log.info("Event type {}: mode {} on {} by {}; one statement per chunk:\n{}", type.name(), type.mode().label(),
                type.table(), type.key(), claiming.sql());
        }
        return new EventTypeStore(type, write(claiming, timer), write(claimed, timer), registry);
    }

    private GeneratedWrite write(StoreStatement statement, Timer timer) {
        return new GeneratedWrite(statement, schemas, jdbc, processorName, timer, mapper);
    }

    /** PostgreSQL itself parses and plans the statement: a column or type it does not have is named here. */
    private void prepares(EventType type, String sql) {
        try {
            jdbc.execute((java.sql.Connection connection) -> {
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    return statement.getParameterMetaData();
                }
            });
        } catch (DataAccessException e) {
            Throwable cause = e.getMostSpecificCause();
            throw new EventTypeRefused("PostgreSQL refuses its statement: " + String.valueOf(cause.getMessage())
                    .lines().findFirst().orElse("") + (type.write().isPresent() ? " (write)" : ""));
        }
    }
}
