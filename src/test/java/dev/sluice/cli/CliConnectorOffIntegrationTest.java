package dev.sluice.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.CliConnectorFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code camel.cli.enabled=false} (the shipped default; the test profile sets it too) leaves camel-cli-connector
 * stopped: no status file under {@code ~/.camel/} for this process. Without {@link CliConnectorOff}, Camel starts
 * the connector's own factory and the file appears within a second.
 */
@SpringBootTest(properties = {"camel.cli.enabled=false", "camel.component.kafka.brokers=127.0.0.1:1"})
@ActiveProfiles("test")
@DirtiesContext
class CliConnectorOffIntegrationTest {

    @Autowired
    CamelContext camel;

    @Test
    void theConnectorStaysOffAndWritesNoStatus() throws InterruptedException {
        CliConnectorFactory factory = camel.getCamelContextExtension().getContextPlugin(CliConnectorFactory.class);
        assertThat(factory.isEnabled()).isFalse();

        Path status = Path.of(System.getProperty("user.home"), ".camel", ProcessHandle.current().pid() + "-status.json");
        Thread.sleep(2_500); // the connector, when on, writes every second from its start
        assertThat(status).doesNotExist();
    }
}
