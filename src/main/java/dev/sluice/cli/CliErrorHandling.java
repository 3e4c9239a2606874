package dev.sluice.cli;

import dev.sluice.config.SluiceProperties;
import dev.sluice.failure.PipelineErrorHandling;

/**
 * The pipeline's one error-handling policy under the Camel CLI, which creates route builders by their no-argument
 * constructor ({@code camel.main.routes-builder-classes}): the redelivery knobs are the ones {@link CliPipeline} bound
 * from the CLI's properties file.
 */
public class CliErrorHandling extends PipelineErrorHandling {

    @Override
    protected SluiceProperties.Redelivery redelivery() {
        return getCamelContext().getRegistry().lookupByNameAndType("sluiceProperties", SluiceProperties.class)
                .redelivery();
    }
}
