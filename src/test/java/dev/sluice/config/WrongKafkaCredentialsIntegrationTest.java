package dev.sluice.config;

import java.util.UUID;

import dev.sluice.support.Patience;
import dev.sluice.support.SecuredKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Signed in with the wrong password, Sluice stays alive but is not ready: {@code /readyz} answers 503 naming Kafka to
 * anyone (the probe), and to the console user it also says that Kafka refused the credentials.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@DirtiesContext
class WrongKafkaCredentialsIntegrationTest {

    private static final SecuredKafka KAFKA = SecuredKafka.start(1, "events.main", "events.dlq");
    private static final String CONSOLE_USER = "operator";
    private static final String CONSOLE_PASSWORD = UUID.randomUUID().toString();

    @DynamicPropertySource
    static void wrongPassword(DynamicPropertyRegistry registry) {
        registry.add("camel.component.kafka.brokers", KAFKA::bootstrapServers);
        KAFKA.clientSettings("not-" + KAFKA.password())
                .forEach((variable, value) -> registry.add(variable, () -> value));
        registry.add("sluice.console.user", () -> CONSOLE_USER);
        registry.add("sluice.console.password", () -> CONSOLE_PASSWORD);
    }

    @Autowired
    TestRestTemplate http;

    @AfterAll
    static void stopBroker() {
        KAFKA.close();
    }

    @Test
    void readyzIs503NamingKafkaWhileHealthzStays200() {
        ResponseEntity<String> ready = http.getForEntity("/readyz", String.class);

        assertThat(ready.getStatusCode().value()).isEqualTo(503);
        assertThat(ready.getBody()).contains("\"kafka\":{\"status\":\"DOWN\"").contains("\"db\":{\"status\":\"UP\"");
        assertThat(http.getForEntity("/healthz", String.class).getStatusCode().value()).isEqualTo(200);
    }

    @Test
    void theConsoleUserSeesThatKafkaRefusedTheCredentials() {
        await().atMost(Patience.PIPELINE).untilAsserted(() -> {
            ResponseEntity<String> ready = http.withBasicAuth(CONSOLE_USER, CONSOLE_PASSWORD)
                    .getForEntity("/readyz", String.class);

            assertThat(ready.getStatusCode().value()).isEqualTo(503);
            assertThat(ready.getBody()).contains("\"kafka\":{\"status\":\"DOWN\"")
                    .contains("SaslAuthenticationException").contains("Authentication failed");
        });
    }
}
