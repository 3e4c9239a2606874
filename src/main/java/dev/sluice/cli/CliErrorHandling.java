package dev.sluice.cli;

import dev.sluice.config.SluiceProperties;
import dev.sluice.failure.PipelineErrorHandling;

/**
 * The pipeline's one error-handling policy under the Camel CLI, which creates route builders by their no-argument
 * constructor ({@code camel.main.routes-builder-classes}): the redelivery knobs come from the same property keys,
 * read from the CLI's properties file.
 */
public class CliErrorHandling extends PipelineErrorHandling {

    @Override
    protected SluiceProperties.Redelivery redelivery() {
        return new SluiceProperties.Redelivery(
                Integer.parseInt(redeliverySetting("maximum-redeliveries")),
                CliBeans.duration(redeliverySetting("initial-delay")),
                Double.parseDouble(redeliverySetting("multiplier")),
                CliBeans.duration(redeliverySetting("maximum-delay")),
                Double.parseDouble(redeliverySetting("jitter")));
    }

    private String redeliverySetting(String key) {
        return getCamelContext().resolvePropertyPlaceholders("{{sluice.redelivery." + key + "}}");
    }
}
