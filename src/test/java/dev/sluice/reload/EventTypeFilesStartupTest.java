package dev.sluice.reload;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.sluice.SluiceApplication;
import dev.sluice.support.RoutesDirectory;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * At startup, an event type's file the live table cannot take stops Sluice before any route runs, naming the file and
 * the problem: a rollout with a bad file stops at its first instance, while the old ones keep running.
 */
class EventTypeFilesStartupTest {

    @Test
    void aTypeWhoseKeyHasNoUniqueIndexStopsTheStartNamingTheFileAndTheProblem() throws Exception {
        Path routes = RoutesDirectory.copyOfShipped();
        Path updated = routes.resolve("event-types/review_updated.camel.yaml");
        Files.writeString(updated, Files.readString(updated).replace("value: review_id", "value: user_key"));

        assertThatThrownBy(() -> new SpringApplicationBuilder(SluiceApplication.class).profiles("test")
                .run("--sluice.routes-directory=" + routes, "--camel.main.routes-reload-enabled=false",
                        "--server.port=0").close())
                .satisfies(failure -> {
                    Throwable cause = NestedExceptionUtils.getMostSpecificCause(failure);
                    assertThat(cause).isInstanceOf(EventTypeFileRefused.class);
                    assertThat(cause.getMessage()).contains(updated.toString())
                            .contains("key user_key has no unique index of its own on reviews");
                });
    }
}
