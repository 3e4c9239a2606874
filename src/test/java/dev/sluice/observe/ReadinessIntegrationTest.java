package dev.sluice.observe;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/** With no broker at the configured address the app stays alive but says it is not ready, and why. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "camel.component.kafka.brokers=127.0.0.1:1")
@ActiveProfiles("test")
@DirtiesContext
class ReadinessIntegrationTest {

    @Autowired
    TestRestTemplate http;

    @Test
    void unreachableKafkaMakesReadyz503NamingKafkaWhileHealthzStays200() {
        ResponseEntity<String> ready = http.getForEntity("/readyz", String.class);

        assertThat(ready.getStatusCode().value()).isEqualTo(503);
        assertThat(ready.getBody()).contains("\"kafka\":{\"status\":\"DOWN\"").contains("\"db\":{\"status\":\"UP\"");
        assertThat(http.getForEntity("/healthz", String.class).getStatusCode().value()).isEqualTo(200);
    }
}
