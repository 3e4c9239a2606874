package dev.sluice.support;

import java.time.Duration;

/**
 * How long a test waits for the pipeline to reach a state. One value for every such wait, sized for a cold CI machine
 * with two loaded cores (a JIT still warming, Chromium starting beside the broker): a wait that ends when its
 * condition holds costs nothing when things are fast, and a short one turns a slow machine into a red build. A test
 * that pins a bound (a shutdown time, a throughput ratio) states that bound itself instead.
 */
public final class Patience {

    /** For the pipeline to write, dead-letter, commit or reload what a test gave it. */
    public static final Duration PIPELINE = Duration.ofMinutes(4);

    private Patience() {
    }
}
