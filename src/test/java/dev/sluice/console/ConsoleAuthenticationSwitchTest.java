package dev.sluice.console;

import dev.sluice.SluiceApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code SLUICE_CONSOLE_AUTHENTICATION=false} in the shipped jar would open route control and every MBean operation to
 * anyone who reaches the port: outside the local demo profile it stops the start with one clear error.
 */
class ConsoleAuthenticationSwitchTest {

    @Test
    void turningConsoleAuthenticationOffOutsideTheLocalProfileRefusesToStart() {
        SpringApplicationBuilder sluice = new SpringApplicationBuilder(SluiceApplication.class).profiles("test");

        // As command-line arguments: they win over application.yaml, as the environment variable would.
        assertThatThrownBy(() -> {
            // A context that did start must not stay behind: its MBeans would shadow the other tests' in this JVM.
            sluice.run("--sluice.console.authentication=false", "--server.port=0", "--camel.main.auto-startup=false")
                    .close();
        }).rootCause()
                .hasMessageStartingWith("Sluice cannot start: sluice.console.authentication=false")
                .hasMessageContaining("local demo profile");
    }
}
