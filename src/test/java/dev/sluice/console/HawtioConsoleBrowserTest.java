package dev.sluice.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.sluice.ingest.IngestRoutes;
import dev.sluice.support.Patience;
import dev.sluice.support.PipelineTables;
import dev.sluice.tools.LoadGenerator;
import dev.sluice.tools.ReviewEvents;
import org.apache.camel.CamelContext;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The operators' console as a person sees it: Debian's headless Chromium opens Hawtio's Camel routes page on the
 * running app (local profile, no login), finds the pipeline's routes, and watches their exchange counters move after
 * traffic, then draws the diagrams of the ingest route and of the batch write it calls. Leaves screenshots in
 * {@code target/hawtio-routes.png}, {@code target/hawtio-ingest-diagram.png} and
 * {@code target/hawtio-write-batch-diagram.png}. Skipped where chromium or chromium-driver is not
 * installed ({@code .ci/run} installs them).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"test", "local"})
@EmbeddedKafka(kraft = true, partitions = 1, topics = {"events.main", "events.dlq"})
@DirtiesContext
class HawtioConsoleBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final List<String> PIPELINE_ROUTES = List.of("ingest", "store-review_created", "dead-letter");

    @LocalServerPort
    int port;
    @Autowired
    EmbeddedKafkaBroker broker;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CamelContext camel;

    private Path profile;
    private WebDriver browser;

    @BeforeAll
    static void chromiumIsInstalled() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
    }

    @BeforeEach
    void openBrowser() throws IOException {
        jdbc.execute(PipelineTables.TRUNCATE_ALL);
        profile = Files.createTempDirectory("sluice-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1600,1000");
        // The driver is given, so Selenium Manager never tries to download one.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                // A cold machine may take longer than Selenium's 20 s to start the driver.
                .withTimeout(Patience.PIPELINE).build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void routesPageListsThePipelineRoutesAndTheirExchangeCountersMoveWithTraffic() throws Exception {
        send(10);
        await().atMost(Patience.PIPELINE).until(() -> PipelineTables.count(jdbc, "reviews") == 10);

        browser.get("http://localhost:" + port + "/actuator/hawtio/camel/routes");
        // An ingest exchange is a batch of records, so the page is checked against Camel's own count, not the 10 sent.
        Map<String, Long> before = onThePage(() -> page().until(this::routeTotals,
                totals -> totals.keySet().containsAll(PIPELINE_ROUTES)
                        && totals.get("ingest") > 0 && totals.get("ingest") == exchangesTotal("ingest")));

        send(5);
        await().atMost(Patience.PIPELINE).until(() -> PipelineTables.count(jdbc, "reviews") == 15);
        onThePage(() -> {
            page().untilAsserted(() -> {
                Map<String, Long> after = routeTotals();
                assertThat(after).containsKeys(PIPELINE_ROUTES.toArray(String[]::new));
                assertThat(after.get("ingest")).isGreaterThan(before.get("ingest")).isEqualTo(exchangesTotal("ingest"));
                assertThat(after.get("store-review_created")).isGreaterThan(before.get("store-review_created"))
                        .isEqualTo(exchangesTotal("store-review_created"));
            });
            return null;
        });

        Path screenshot = Path.of("target", "hawtio-routes.png");
        Files.createDirectories(screenshot.getParent());
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), screenshot,
                StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void routeDiagramsOfIngestAndItsBatchWriteShowThePipelineStepByStep() throws Exception {
        send(3);
        await().atMost(Patience.PIPELINE).until(() -> PipelineTables.count(jdbc, "reviews") == 3);

        browser.get("http://localhost:" + port + "/actuator/hawtio/camel/routes");
        showsSteps(IngestRoutes.INGEST, List.of("events-topic", "write", "commit-offsets", "record-outcomes",
                "reread-deferred"), Path.of("target", "hawtio-ingest-diagram.png"));
        showsSteps("write-batch", List.of("admit", "dead-letter-rejected", "throttle", "by-event-type",
                "write-in-chunks", "await-dead-letters"), Path.of("target", "hawtio-write-batch-diagram.png"));
    }

    /**
     * Hawtio's Runtime view with the JVM's arguments and system properties denied (jolokia-access.xml): its metrics
     * (threads, heap, start time, uptime, which it reads from java.lang:type=Runtime) still show, and its System
     * Properties tab shows none of them.
     */
    @Test
    void runtimeMetricsStillShowWhileTheSystemPropertiesStayHidden() throws Exception {
        browser.get("http://localhost:" + port + "/actuator/hawtio/runtime/metrics");
        waitOnThePage(() -> page().untilAsserted(() -> assertThat(browser.findElement(By.tagName("body")).getText())
                .contains("Thread Count", "Heap Used", "Start time", "Uptime").containsPattern("Uptime\\s+\\d+ \\w+, \\d+ \\w+")));
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(),
                Path.of("target", "hawtio-runtime-metrics.png"), StandardCopyOption.REPLACE_EXISTING);

        browser.get("http://localhost:" + port + "/actuator/hawtio/runtime/sysprops");
        Thread.sleep(3_000);
        assertThat(browser.findElement(By.tagName("body")).getText())
                .doesNotContain("java.class.path", "user.dir", System.getProperty("user.dir"));
    }

    /** The route's node in Camel's tree, then its diagram tab: Hawtio draws the route from Camel's own XML dump. */
    private void showsSteps(String routeId, List<String> steps, Path screenshot) throws Exception {
        waitOnThePage(() -> page().until(() -> clickFirst("//*[contains(@class,'tree-view__node-text')"
                + " and normalize-space()='" + routeId + "']")));
        waitOnThePage(() -> page().until(() -> clickFirst("//a[normalize-space()='Route Diagram']")));
        waitOnThePage(() -> page().untilAsserted(() -> assertThat(browser.findElements(By.cssSelector(".camel-node-id"))
                .stream().map(WebElement::getText).map(String::trim).toList())
                .containsAll(steps.stream().map(id -> "(ID: " + id + ")").toList())));
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), screenshot,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Clicks the first element the XPath finds; false while there is none yet. */
    private boolean clickFirst(String xpath) {
        List<WebElement> found = browser.findElements(By.xpath(xpath));
        if (found.isEmpty()) {
            return false;
        }
        found.get(0).click();
        return true;
    }

    private long exchangesTotal(String routeId) {
        return camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class).getManagedRoute(routeId)
                .getExchangesTotal();
    }

    /** Polls the page, which Hawtio may be re-rendering (a script can then meet a detached element). */
    private ConditionFactory page() {
        return await().atMost(Patience.PIPELINE).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptionsInstanceOf(WebDriverException.class);
    }

    /**
     * One wait on the page, never a wait inside a wait: the inner one's timeout would outlast the outer one's, and the
     * test would fail with the outer's message while the inner was still patient. Keeps the page when it fails.
     */
    private <T> T onThePage(java.util.function.Supplier<T> wait) {
        try {
            return wait.get();
        } catch (RuntimeException | Error e) {
            dumpPage();
            throw e;
        }
    }

    private void waitOnThePage(Runnable wait) {
        onThePage(() -> {
            wait.run();
            return null;
        });
    }

    /** One snapshot of the table, read by a script: Hawtio re-renders it while cells are read one by one. */
    @SuppressWarnings("unchecked")
    private Map<String, Long> routeTotals() {
        Map<String, Object> table = (Map<String, Object>) ((JavascriptExecutor) browser).executeScript("""
                const text = cell => cell.innerText.trim();
                return {
                  headers: Array.from(document.querySelectorAll('table thead th')).map(text),
                  rows: Array.from(document.querySelectorAll('table tbody tr'))
                      .map(row => Array.from(row.querySelectorAll('td')).map(text))
                };""");
        List<String> headers = (List<String>) table.get("headers");
        int total = headers.indexOf("Total");
        int name = headers.indexOf("Name");
        if (total < 0 || name < 0) {
            return Map.of();
        }
        return ((List<List<String>>) table.get("rows")).stream()
                .filter(cells -> cells.size() > Math.max(total, name) && cells.get(total).matches("\\d+"))
                .collect(Collectors.toMap(cells -> cells.get(name), cells -> Long.parseLong(cells.get(total)),
                        (first, second) -> first));
    }

    private void dumpPage() {
        try {
            Files.writeString(Path.of("target", "hawtio-page.html"), browser.getPageSource());
            Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(),
                    Path.of("target", "hawtio-page.png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ignored) {
            // the failure itself is what matters
        }
    }

    private void send(int events) {
        try (Producer<String, byte[]> producer = LoadGenerator.createProducer(broker.getBrokersAsString())) {
            IntStream.range(0, events).forEach(i -> {
                UUID id = UUID.randomUUID();
                producer.send(new ProducerRecord<>("events.main", "user:3",
                        ReviewEvents.valid(id, "user:3", "r-" + id, 5, "console " + i)));
            });
        }
    }
}
