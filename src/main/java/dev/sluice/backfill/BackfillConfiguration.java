package dev.sluice.backfill;

import dev.sluice.config.SluiceProperties;
import org.apache.camel.CamelContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** The file backfill's beans; its route is {@link BackfillRoutes}. */
@Configuration(proxyBeanMethods = false)
class BackfillConfiguration {

    @Bean
    BackfillCheckpoints backfillCheckpoints(JdbcTemplate jdbcTemplate) {
        return new BackfillCheckpoints(jdbcTemplate);
    }

    @Bean
    BackfillCommand backfillCommand(SluiceProperties properties, CamelContext camel, BackfillCheckpoints checkpoints,
                                    ConfigurableApplicationContext context) {
        return new BackfillCommand(properties, camel, checkpoints, context, System.out);
    }
}
