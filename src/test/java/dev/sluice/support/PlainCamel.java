package dev.sluice.support;

import org.apache.camel.cli.connector.DefaultCliConnectorFactory;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.CliConnectorFactory;

/** A Camel context for unit tests that start one, without Spring. */
public final class PlainCamel {

    private PlainCamel() {
    }

    /**
     * With camel-cli-connector switched off. A plain context finds the connector's factory on the class path and starts
     * it, and its thread loads dev consoles while the starting context iterates them: a ConcurrentModificationException
     * in DefaultDevConsoleRegistry.doStart failed a CI run once. The app switches it off the same way
     * (dev.sluice.cli.CliConnectorOff).
     */
    public static DefaultCamelContext context() {
        DefaultCamelContext camel = new DefaultCamelContext();
        DefaultCliConnectorFactory off = new DefaultCliConnectorFactory();
        off.setEnabled(false);
        camel.getCamelContextExtension().addContextPlugin(CliConnectorFactory.class, off);
        return camel;
    }
}
