package dev.sluice.console;

import java.util.UUID;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.http.client.ClientHttpRequestFactorySettings.Redirects;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.LinkedMultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outside the local profile, Hawtio and Jolokia need the console user from the environment, while the probes and the
 * Prometheus scrape stay open.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 1, topics = {"events.main", "events.dlq"})
@DirtiesContext
class ConsoleSecurityIntegrationTest {

    private static final String USER = "operator";
    /** Made up for this run: the point is that the console takes whatever the environment says. */
    private static final String PASSWORD = UUID.randomUUID().toString();
    /** Jolokia's search for the Camel route MBeans, as a GET (a POST would need the CSRF token too). */
    private static final String JOLOKIA_SEARCH = "/actuator/jolokia/search/org.apache.camel:type=routes,*";

    @DynamicPropertySource
    static void consoleUser(DynamicPropertyRegistry registry) {
        registry.add("sluice.console.user", () -> USER);
        registry.add("sluice.console.password", () -> PASSWORD);
    }

    @Autowired
    TestRestTemplate http;
    @Autowired
    CamelContext camel;

    @Test
    void probesAndPrometheusAnswerWithoutCredentials() {
        assertThat(http.getForEntity("/healthz", String.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(http.getForEntity("/actuator/health", String.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(http.getForEntity("/actuator/prometheus", String.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(http.getForEntity("/readyz", String.class).getStatusCode().value()).isIn(200, 503);
    }

    @Test
    void hawtioAndJolokiaRefuseAnonymousAndWrongCredentials() {
        // Not following redirects: a refused browser request is sent to the login page, which itself answers 200.
        TestRestTemplate anonymous = http.withRedirects(Redirects.DONT_FOLLOW);
        assertThat(anonymous.getForEntity(JOLOKIA_SEARCH, String.class).getStatusCode().value()).isIn(302, 401);
        assertThat(anonymous.withBasicAuth(USER, "wrong").getForEntity(JOLOKIA_SEARCH, String.class).getStatusCode()
                .value()).isIn(302, 401);
        assertThat(anonymous.getForEntity("/actuator/hawtio/", String.class).getStatusCode().value()).isIn(302, 401);
        ResponseEntity<String> stopIngest = anonymous.postForEntity("/actuator/jolokia", """
                {"type":"exec","mbean":"org.apache.camel:context=sluice,type=routes,name=\\"ingest\\"","operation":"stop()"}""",
                String.class);
        assertThat(stopIngest.getStatusCode().value()).isIn(302, 401, 403);
        assertThat(camel.getRouteController().getRouteStatus("ingest")).isEqualTo(ServiceStatus.Started);
    }

    @Test
    void theConsoleUserSignsInAndReadsTheCamelRoutesThroughJolokia() {
        TestRestTemplate browser = http.withRedirects(Redirects.DONT_FOLLOW);
        String csrfToken = cookie(browser.getForEntity("/login", String.class), "XSRF-TOKEN");
        HttpHeaders form = new HttpHeaders();
        form.setContentType(MediaType.APPLICATION_FORM_URLENCODED);
        form.add(HttpHeaders.COOKIE, "XSRF-TOKEN=" + csrfToken);
        var credentials = new LinkedMultiValueMap<String, String>();
        credentials.add("username", USER);
        credentials.add("password", PASSWORD);
        credentials.add("_csrf", csrfToken);
        ResponseEntity<String> signedIn = browser.postForEntity("/login", new HttpEntity<>(credentials, form), String.class);
        assertThat(signedIn.getHeaders().getLocation()).hasPath("/");

        HttpHeaders session = new HttpHeaders();
        session.add(HttpHeaders.COOKIE, "JSESSIONID=" + cookie(signedIn, "JSESSIONID"));
        ResponseEntity<String> search = browser.exchange(JOLOKIA_SEARCH, HttpMethod.GET, new HttpEntity<>(session), String.class);
        assertThat(search.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(search.getBody()).contains("\"status\":200").contains("name=\\\"ingest\\\"");
        assertThat(browser.exchange("/actuator/hawtio/", HttpMethod.GET, new HttpEntity<>(session), String.class)
                .getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void scriptsReadJolokiaWithBasicCredentials() {
        ResponseEntity<String> search = http.withBasicAuth(USER, PASSWORD).getForEntity(JOLOKIA_SEARCH, String.class);

        assertThat(search.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(search.getBody()).contains("name=\\\"store-review_created\\\"");
    }

    private static String cookie(ResponseEntity<?> response, String name) {
        return response.getHeaders().getOrEmpty(HttpHeaders.SET_COOKIE).stream()
                .filter(header -> header.startsWith(name + "="))
                .map(header -> header.substring(name.length() + 1).split(";", 2)[0])
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " cookie in " + response.getHeaders()));
    }
}
