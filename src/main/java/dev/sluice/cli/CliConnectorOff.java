package dev.sluice.cli;

import org.apache.camel.cli.connector.DefaultCliConnectorFactory;
import org.apache.camel.spi.CliConnectorFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Makes {@code camel.cli.enabled=false} mean off. The property only removes camel-cli-connector-starter's factory;
 * Camel then finds the connector's own factory on the class path and starts it anyway, with its once-a-second status
 * dump. A factory in the registry is found first, so this one, switched off, keeps the connector stopped.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "camel.cli.enabled", havingValue = "false")
public class CliConnectorOff {

    @Bean
    CliConnectorFactory switchedOffCliConnectorFactory() {
        DefaultCliConnectorFactory off = new DefaultCliConnectorFactory();
        off.setEnabled(false);
        return off;
    }
}
