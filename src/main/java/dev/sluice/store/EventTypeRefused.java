package dev.sluice.store;

/**
 * An event type that cannot be stored as declared: an unknown mode, a table, column or unique key the database does
 * not have, a column that cannot take its field. Its message is the one line an operator reads, naming the problem;
 * whoever loads the file adds the file's name and keeps the route that runs.
 */
public class EventTypeRefused extends IllegalArgumentException {

    public EventTypeRefused(String problem) {
        super(problem);
    }
}
