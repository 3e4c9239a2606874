package dev.sluice.console;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpMethod;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Sits in front of Jolokia and decides what its access policy ({@code jolokia-access.xml}) cannot, because Jolokia
 * knows neither the user nor which HTTP method suits which command:
 * <ul>
 *   <li>no proxy request (a {@code target}) at all: the JSR-160 proxy in {@code jolokia-service-jsr160} would connect
 *       this process to any JMX URL a user names;</li>
 *   <li>operations ({@code exec}, {@code write}) over POST only, so a link or an image tag cannot trigger one;</li>
 *   <li>an operation that changes something (stopping a route, say) only for the operator role. The viewer may still
 *       run the read-only {@code dump*} operations Hawtio draws route diagrams from.</li>
 * </ul>
 * What the policy then allows or denies applies to both roles.
 */
final class JolokiaRequestGuard extends OncePerRequestFilter {

    static final String OPERATOR = "ROLE_OPERATOR";
    private static final Set<String> READS = Set.of("read", "list", "search", "version");
    private static final int MAX_BODY_BYTES = 1 << 20;

    private final ObjectMapper json = new ObjectMapper();
    private final RequestMatcher jolokia;
    private final boolean rolesEnforced;

    /** @param rolesEnforced false only in the local demo, where nobody signs in */
    JolokiaRequestGuard(RequestMatcher jolokia, boolean rolesEnforced) {
        this.jolokia = jolokia;
        this.rolesEnforced = rolesEnforced;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !jolokia.matches(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        HttpServletRequest toJolokia = request;
        List<JolokiaRequest> requests;
        if (HttpMethod.POST.matches(request.getMethod())) {
            byte[] body = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                refuse(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "Jolokia request over 1 MiB");
                return;
            }
            Optional<List<JolokiaRequest>> parsed = parse(body);
            if (parsed.isEmpty()) {
                refuse(response, HttpServletResponse.SC_BAD_REQUEST, "Jolokia request is not a JSON object or array");
                return;
            }
            requests = parsed.get();
            toJolokia = new ReplayedBodyRequest(request, body);
        } else {
            requests = List.of(fromGet(request));
        }
        Optional<String> refusal = requests.stream().map(each -> refusal(each, request.getMethod()))
                .flatMap(Optional::stream).findFirst();
        if (refusal.isPresent()) {
            refuse(response, HttpServletResponse.SC_FORBIDDEN, refusal.get());
            return;
        }
        chain.doFilter(toJolokia, response);
    }

    private Optional<String> refusal(JolokiaRequest request, String method) {
        if (request.proxied()) {
            return Optional.of("Jolokia proxy requests are not allowed");
        }
        if (READS.contains(request.type())) {
            return Optional.empty();
        }
        if (!HttpMethod.POST.matches(method)) {
            return Optional.of("Jolokia operations are accepted over POST only");
        }
        if (rolesEnforced && !request.readOnly() && !hasOperatorRole()) {
            return Optional.of("'" + request.type() + " " + request.operation()
                    + "' needs the operator role (SLUICE_CONSOLE_USER)");
        }
        return Optional.empty();
    }

    private static boolean hasOperatorRole() {
        Authentication user = SecurityContextHolder.getContext().getAuthentication();
        return user != null && user.getAuthorities().stream().anyMatch(role -> OPERATOR.equals(role.getAuthority()));
    }

    private Optional<List<JolokiaRequest>> parse(byte[] body) {
        try {
            JsonNode root = json.readTree(body);
            if (root == null || !(root.isObject() || root.isArray())) {
                return Optional.empty();
            }
            List<JolokiaRequest> requests = new ArrayList<>();
            for (JsonNode each : root.isArray() ? root : List.of(root)) {
                requests.add(new JolokiaRequest(each.path("type").asText("").toLowerCase(Locale.ROOT),
                        each.path("operation").asText(""), each.hasNonNull("target")));
            }
            return Optional.of(requests);
        } catch (IOException notJson) {
            return Optional.empty();
        }
    }

    /** Jolokia's GET forms: {@code /jolokia/exec/<mbean>/<operation>/...} or {@code /jolokia/?p=/exec/...}. */
    private static JolokiaRequest fromGet(HttpServletRequest request) {
        String path = Optional.ofNullable(request.getParameter("p")).orElse(
                Optional.ofNullable(request.getPathInfo()).orElse(""));
        String[] segments = path.replaceFirst("^/+", "").split("/");
        String type = segments[0].isEmpty() ? "version" : segments[0].toLowerCase(Locale.ROOT);
        return new JolokiaRequest(type, segments.length > 2 ? segments[2] : "", false);
    }

    private static void refuse(HttpServletResponse response, int status, String reason) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write(reason + "\n");
    }

    /** One request of a (possibly bulk) Jolokia call, as far as this guard needs it. */
    record JolokiaRequest(String type, String operation, boolean proxied) {

        /** The operations the policy allows that change nothing: Hawtio's diagrams and its permission checks. */
        boolean readOnly() {
            String name = operation.contains("(") ? operation.substring(0, operation.indexOf('(')) : operation;
            return "exec".equals(type) && (name.startsWith("dump") || name.equals("canInvoke"));
        }
    }
}
