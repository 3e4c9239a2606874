package dev.sluice.ingest;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.ProducerTemplate;

/**
 * How the batch's steps call the routes they hand records and chunks to ({@code direct:store-<type>},
 * {@code direct:ingest-one}): a producer template per use, closed after it. A kept one would outlive a restart of the
 * Camel context and then send to a direct endpoint that no route consumes from any more (the batch fails, again and
 * again, for good). Camel hands it the context, in the app and under the Camel CLI alike.
 */
public class RouteCalls implements CamelContextAware {

    private CamelContext camel;

    @Override
    public void setCamelContext(CamelContext camel) {
        this.camel = camel;
    }

    @Override
    public CamelContext getCamelContext() {
        return camel;
    }

    public ProducerTemplate template() {
        return camel.createProducerTemplate();
    }
}
