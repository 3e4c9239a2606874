package dev.sluice.observe;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Metric names out of PromQL expressions and out of a Prometheus scrape. */
final class PrometheusNames {

    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "bool", "offset", "inf", "nan");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private PrometheusNames() {
    }

    /** Every metric an expression reads: identifiers that are not functions, keywords, labels or durations. */
    static Set<String> inExpression(String promql) {
        String bare = promql
                .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")            // string literals
                .replaceAll("\\{[^}]*}", "")                              // label matchers
                .replaceAll("\\[[^]]*]", "")                              // range and subquery selectors
                .replaceAll("(?i)\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "")
                .replaceAll("\\$\\{?\\w+}?", "");                         // Grafana variables such as $__rate_interval
        Set<String> names = new TreeSet<>();
        Matcher identifier = IDENTIFIER.matcher(bare);
        while (identifier.find()) {
            String name = identifier.group();
            boolean isFunction = bare.substring(identifier.end()).stripLeading().startsWith("(");
            boolean isNumberSuffix = identifier.start() > 0 && Character.isDigit(bare.charAt(identifier.start() - 1));
            if (!isFunction && !isNumberSuffix && !KEYWORDS.contains(name.toLowerCase())) {
                names.add(name);
            }
        }
        return names;
    }

    /** Series names in a text exposition: {@code name{labels} value} or {@code name value}, comments skipped. */
    static Set<String> inScrape(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                Matcher name = IDENTIFIER.matcher(line);
                if (name.lookingAt()) {
                    names.add(name.group());
                }
            }
        }
        return names;
    }
}
