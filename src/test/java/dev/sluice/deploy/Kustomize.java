package dev.sluice.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code kubectl kustomize}, the renderer every cluster user has (kubectl ships Kustomize). A test that needs it is
 * skipped where kubectl is missing, and says so; .ci/run makes sure it is there.
 */
final class Kustomize {

    private Kustomize() {
    }

    static Rendered render(String overlay) throws IOException, InterruptedException {
        assumeTrue(available(), "kubectl is not installed: the manifests in deploy/ are not rendered or validated here");
        Process kubectl = new ProcessBuilder("kubectl", "kustomize", Path.of("deploy", "overlays", overlay).toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String yaml = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!kubectl.waitFor(60, TimeUnit.SECONDS) || kubectl.exitValue() != 0) {
            throw new AssertionError("kubectl kustomize deploy/overlays/" + overlay + " failed (its error is above)");
        }
        return Rendered.parse(overlay, yaml);
    }

    static boolean available() {
        try {
            return new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
