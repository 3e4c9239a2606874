package dev.sluice.tools;

import java.util.HashMap;
import java.util.Map;

/** The tools' command lines: {@code --name=value} each. */
final class Arguments {

    private Arguments() {
    }

    static Map<String, String> parse(String... args) {
        Map<String, String> given = new HashMap<>();
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            if (pair.length != 2) {
                throw new IllegalArgumentException("Expected --name=value, got " + arg);
            }
            given.put(pair[0], pair[1]);
        }
        return given;
    }
}
