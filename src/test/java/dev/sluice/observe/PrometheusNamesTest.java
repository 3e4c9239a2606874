package dev.sluice.observe;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusNamesTest {

    @Test
    void readsMetricNamesAndSkipsFunctionsLabelsAndKeywords() {
        String expr = "histogram_quantile(0.99, sum by (le) (rate(end_to_end_latency_seconds_bucket{application=\"sluice\"}[5m])))"
                + " > 0.5 and on() sum(consumer_lag) > 10000 or time() - max(pipeline_last_success_timestamp_seconds) > 9e2";

        assertThat(PrometheusNames.inExpression(expr)).containsExactlyInAnyOrder(
                "end_to_end_latency_seconds_bucket", "consumer_lag", "pipeline_last_success_timestamp_seconds");
    }

    @Test
    void readsSeriesNamesFromAScrape() {
        String scrape = "# HELP retries_total Redelivery attempts\n# TYPE retries_total counter\n"
                + "retries_total{application=\"sluice\"} 3.0\nup 1\n";

        assertThat(PrometheusNames.inScrape(scrape)).containsExactlyInAnyOrder("retries_total", "up");
    }
}
