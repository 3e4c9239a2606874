package dev.sluice.console;

import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.support.SluiceProcess;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console on a management port of its own, with its two roles and the Jolokia access policy
 * ({@code jolokia-access.xml} and {@link JolokiaRequestGuard}): the viewer looks, the operator also controls routes,
 * and nobody reaches an operation outside the policy, an operation over GET, or the JMX proxy; nor the JVM's own
 * arguments and system properties, where a {@code -D} password would be.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 1, topics = {"events.main", "events.dlq"})
@DirtiesContext
class ConsoleRolesIntegrationTest {

    private static final String OPERATOR = "operator";
    private static final String VIEWER = "viewer";
    /** Made up for this run: the console takes whatever the environment says. */
    private static final String PASSWORD = UUID.randomUUID().toString();
    private static final String STORE_ROUTE = "org.apache.camel:context=sluice,type=routes,name=\\\"store-review_created\\\"";
    private static final String ROUTE_SEARCH = "/actuator/jolokia/search/org.apache.camel:type=routes,*";

    @DynamicPropertySource
    static void consoleUsers(DynamicPropertyRegistry registry) {
        registry.add("sluice.console.user", () -> OPERATOR);
        registry.add("sluice.console.password", () -> PASSWORD);
        registry.add("sluice.console.viewer-user", () -> VIEWER);
        registry.add("sluice.console.viewer-password", () -> PASSWORD);
    }

    @Autowired
    TestRestTemplate http;
    @Autowired
    CamelContext camel;
    @Autowired
    EmbeddedKafkaBroker broker;
    @Autowired
    DataSource dataSource;
    @LocalServerPort
    int applicationPort;
    @LocalManagementPort
    int managementPort;

    @Test
    void consoleJolokiaAndMetricsMoveToTheManagementPortWhileTheProbesStay() {
        assertThat(managementPort).isNotEqualTo(applicationPort);
        TestRestTemplate viewer = http.withBasicAuth(VIEWER, PASSWORD);

        assertThat(viewer.getForEntity(management(ROUTE_SEARCH), String.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(viewer.getForEntity(management("/actuator/hawtio/"), String.class).getStatusCode())
                .isEqualTo(HttpStatus.OK);
        assertThat(http.getForEntity(management("/actuator/prometheus"), String.class).getStatusCode())
                .isEqualTo(HttpStatus.OK);
        assertThat(viewer.getForEntity(application(ROUTE_SEARCH), String.class).getStatusCode().value()).isEqualTo(404);
        assertThat(http.getForEntity(application("/healthz"), String.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(http.getForEntity(application("/readyz"), String.class).getStatusCode().value()).isIn(200, 503);
    }

    @Test
    void theViewerReadsRoutesAndTheirDiagramsButIsRefusedOnStop() {
        ResponseEntity<String> diagram = post(VIEWER, """
                {"type":"exec","mbean":"%s","operation":"dumpRouteAsXml()"}""".formatted(STORE_ROUTE));
        assertThat(diagram.getBody()).contains("\"status\":200").contains("store-review_created");

        ResponseEntity<String> stop = post(VIEWER, """
                {"type":"exec","mbean":"%s","operation":"stop()"}""".formatted(STORE_ROUTE));

        assertThat(stop.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(stop.getBody()).contains("'exec stop()' needs the operator role");
        assertThat(camel.getRouteController().getRouteStatus("store-review_created")).isEqualTo(ServiceStatus.Started);
    }

    @Test
    void theOperatorStopsAndStartsARoute() {
        ResponseEntity<String> stop = post(OPERATOR, """
                {"type":"exec","mbean":"%s","operation":"stop()"}""".formatted(STORE_ROUTE));
        assertThat(stop.getBody()).contains("\"status\":200");
        assertThat(camel.getRouteController().getRouteStatus("store-review_created")).isEqualTo(ServiceStatus.Stopped);

        ResponseEntity<String> start = post(OPERATOR, """
                {"type":"exec","mbean":"%s","operation":"start()"}""".formatted(STORE_ROUTE));
        assertThat(start.getBody()).contains("\"status\":200");
        assertThat(camel.getRouteController().getRouteStatus("store-review_created")).isEqualTo(ServiceStatus.Started);
    }

    @Test
    void operationsOutsideThePolicyAreRefusedEvenToTheOperator() {
        // Sending a message into the pipeline from the console, a JVM diagnostic command, setting an attribute.
        String sendBody = """
                {"type":"exec","mbean":"org.apache.camel:context=sluice,type=context,name=\\"sluice\\"",
                 "operation":"sendBody(java.lang.String,java.lang.Object)","arguments":["direct:ingest-one","x"]}""";
        String threadDump = """
                {"type":"exec","mbean":"com.sun.management:type=DiagnosticCommand","operation":"threadPrint",
                 "arguments":[[]]}""";
        String heapDump = """
                {"type":"exec","mbean":"com.sun.management:type=HotSpotDiagnostic","operation":"dumpHeap",
                 "arguments":["/tmp/sluice.hprof",true]}""";
        String write = """
                {"type":"write","mbean":"%s","attribute":"Description","value":"x"}""".formatted(STORE_ROUTE);
        String readDiagnostics = """
                {"type":"read","mbean":"com.sun.management:type=HotSpotDiagnostic","attribute":"DiagnosticOptions"}""";

        for (String request : new String[] {sendBody, threadDump, heapDump, write, readDiagnostics}) {
            assertThat(post(OPERATOR, request).getBody()).as(request)
                    .contains("\"status\":403").contains("forbidden for MBean");
        }
    }

    @Test
    void anOperationOverGetIsRefusedInBothOfJolokiasGetForms() {
        TestRestTemplate operator = http.withBasicAuth(OPERATOR, PASSWORD);
        String mbean = "org.apache.camel:context=sluice,type=routes,name=%22store-review_created%22";

        ResponseEntity<String> inPath = operator.getForEntity(
                URI.create(management("/actuator/jolokia/exec/" + mbean + "/stop()")), String.class);
        ResponseEntity<String> inParameter = operator.getForEntity(
                URI.create(management("/actuator/jolokia/?p=/exec/" + mbean + "/stop()")), String.class);

        assertThat(inPath.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(inPath.getBody()).contains("over POST only");
        assertThat(inParameter.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(camel.getRouteController().getRouteStatus("store-review_created")).isEqualTo(ServiceStatus.Started);
    }

    @Test
    void aProxyRequestIsRefused() {
        ResponseEntity<String> proxied = post(OPERATOR, """
                [{"type":"version"},
                 {"type":"read","mbean":"java.lang:type=Runtime","attribute":"Uptime",
                  "target":{"url":"service:jmx:rmi:///jndi/rmi://127.0.0.1:1099/jmxrmi"}}]""");

        assertThat(proxied.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(proxied.getBody()).contains("proxy requests are not allowed");
    }

    @Test
    void aPasswordPassedWithMinusDIsReadByNeitherRoleThroughAnyAttributeSearchOrList() throws Exception {
        String secret = "s3cret-" + UUID.randomUUID();
        int consolePort;
        try (ServerSocket free = new ServerSocket(0)) {
            consolePort = free.getLocalPort();
        }
        try (SluiceProcess child = SluiceProcess.start("console-secret-check", Map.of(
                        "SLUICE_KAFKA_BOOTSTRAP_SERVERS", broker.getBrokersAsString(),
                        "SLUICE_DB_URL", ((HikariDataSource) dataSource).getJdbcUrl(),
                        "SLUICE_CONSOLE_USER", OPERATOR, "SLUICE_CONSOLE_PASSWORD", PASSWORD,
                        "SLUICE_CONSOLE_VIEWER_USER", VIEWER, "SLUICE_CONSOLE_VIEWER_PASSWORD", PASSWORD,
                        "SLUICE_ROUTES_RELOAD", "false"),
                List.of("-Xmx256m", "-Dspring.datasource.password=" + secret),
                List.of("--management.server.port=" + consolePort, "--sluice.consumer.group-id=console-secret-check"))) {
            String jolokia = "http://localhost:" + consolePort + "/actuator/jolokia";
            String everyRead = """
                    [{"type":"read","mbean":"java.lang:type=Runtime","attribute":"InputArguments"},
                     {"type":"read","mbean":"java.lang:type=Runtime","attribute":"SystemProperties"},
                     {"type":"read","mbean":"java.lang:type=Runtime","attribute":"SystemProperties",
                      "path":"spring.datasource.password"},
                     {"type":"read","mbean":"java.lang:type=Runtime"},
                     {"type":"read","mbean":"java.lang:*"},
                     {"type":"read","mbean":"*:*"},
                     {"type":"search","mbean":"*:*"},
                     {"type":"list"}]""";
            for (String user : List.of(VIEWER, OPERATOR)) {
                for (ResponseEntity<String> answer : List.of(
                        post(jolokia, user, everyRead),
                        http.withBasicAuth(user, PASSWORD).getForEntity(jolokia + "/read/java.lang:type=Runtime/SystemProperties",
                                String.class),
                        http.withBasicAuth(user, PASSWORD).getForEntity(jolokia + "/read/java.lang:type=Runtime", String.class),
                        http.withBasicAuth(user, PASSWORD).getForEntity(jolokia + "/list/java.lang", String.class))) {
                    assertThat(answer.getBody()).as("what %s reads", user).isNotEmpty().doesNotContain(secret);
                }
                assertThat(post(jolokia, user, """
                        {"type":"read","mbean":"java.lang:type=Runtime","attribute":"InputArguments"}""").getBody())
                        .contains("\"status\":403");
                // What Hawtio's Runtime view reads for its metrics stays readable.
                assertThat(post(jolokia, user, """
                        {"type":"read","mbean":"java.lang:type=Runtime","attribute":"Uptime"}""").getBody())
                        .contains("\"status\":200");
            }
        }
    }

    /** A script's POST: basic credentials plus the CSRF token the console hands out in its cookie. */
    private ResponseEntity<String> post(String user, String json) {
        return post(management("/actuator/jolokia"), user, json);
    }

    private ResponseEntity<String> post(String jolokia, String user, String json) {
        TestRestTemplate client = http.withBasicAuth(user, PASSWORD);
        String token = client.getForEntity(jolokia + "/search/org.apache.camel:type=routes,*", String.class).getHeaders()
                .getOrEmpty(HttpHeaders.SET_COOKIE).stream()
                .filter(cookie -> cookie.startsWith("XSRF-TOKEN="))
                .map(cookie -> cookie.substring("XSRF-TOKEN=".length()).split(";", 2)[0])
                .findFirst().orElseThrow(() -> new AssertionError("no XSRF-TOKEN cookie"));
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.add(HttpHeaders.COOKIE, "XSRF-TOKEN=" + token);
        headers.add("X-XSRF-TOKEN", token);
        return client.exchange(jolokia, HttpMethod.POST, new HttpEntity<>(json, headers), String.class);
    }

    private String management(String path) {
        return "http://localhost:" + managementPort + path;
    }

    private String application(String path) {
        return "http://localhost:" + applicationPort + path;
    }
}
