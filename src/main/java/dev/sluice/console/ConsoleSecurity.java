package dev.sluice.console;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.autoconfigure.security.servlet.EndpointRequest;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Who may use the operators' console (Hawtio at {@code /actuator/hawtio}) and Jolokia, the JMX bridge it talks to,
 * which can stop routes and invoke any MBean. Health and metrics stay open: liveness/readiness probes and Prometheus
 * scrape them without credentials. Everything else needs one of the two console users, whose names and passwords come
 * from the environment: the operator ({@code SLUICE_CONSOLE_USER}, {@code SLUICE_CONSOLE_PASSWORD}) and the viewer
 * ({@code SLUICE_CONSOLE_VIEWER_USER}, {@code SLUICE_CONSOLE_VIEWER_PASSWORD}); with no password there is no such user,
 * and with neither the console stays locked. What each may do through Jolokia: {@link JolokiaRequestGuard} and
 * {@code jolokia-access.xml}. Only {@code sluice.console.authentication=false} opens it, and only in the local demo's
 * profile ({@code application-local.yaml}, on the test classpath, so not in the shipped jar): anywhere else that
 * setting stops the start with one clear error.
 * <p>
 * Spring Security alone guards the console: Hawtio's own authentication filter stays off
 * ({@code hawtio.authenticationEnabled=false}) because its Spring Security bridge is missing from hawtio-springboot
 * 5.2.0 as published (no {@code io.hawt.springboot.security.HawtioSpringSecurityLoginModule} in the jar), so with it
 * on, Hawtio refuses every Jolokia request of a signed-in user (403, "Hawtio-Forbidden-Reason: NONE").
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConsoleSecurity.ConsoleUser.class)
class ConsoleSecurity {

    private static final Logger log = LoggerFactory.getLogger(ConsoleSecurity.class);
    private static final String VIEWER = "ROLE_VIEWER";
    private static final String[] OPEN = {"/healthz", "/readyz", "/actuator/health", "/actuator/health/**",
            "/actuator/prometheus", "/actuator/info"};

    /**
     * The operator ({@code user}, {@code password}) may also stop, start, suspend and resume routes and reset their
     * statistics; the viewer ({@code viewerUser}, {@code viewerPassword}) only looks.
     */
    @ConfigurationProperties("sluice.console")
    record ConsoleUser(boolean authentication, String user, String password, String viewerUser,
                       String viewerPassword) {
    }

    @Bean
    SecurityFilterChain consoleFilterChain(HttpSecurity http, ConsoleUser console, Environment environment)
            throws Exception {
        if (!console.authentication() && !environment.acceptsProfiles(Profiles.of("local"))) {
            // The switch exists for the local demo; anywhere else it would open route control and every MBean
            // operation to whoever reaches the port, so a stray SLUICE_CONSOLE_AUTHENTICATION=false stops the start.
            throw new IllegalStateException("Sluice cannot start: sluice.console.authentication=false "
                    + "(SLUICE_CONSOLE_AUTHENTICATION) opens Hawtio and Jolokia to anyone; it is allowed only in the "
                    + "local demo profile. Set SLUICE_CONSOLE_USER and SLUICE_CONSOLE_PASSWORD instead.");
        }
        if (!console.authentication()) {
            log.warn("Console authentication is OFF (local profile): Hawtio and Jolokia are open to anyone who can "
                    + "reach this port");
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                    .csrf(csrf -> csrf.disable())
                    .addFilterAfter(new JolokiaRequestGuard(EndpointRequest.to("jolokia"), false),
                            AuthorizationFilter.class)
                    .build();
        }
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(OPEN).permitAll()
                        .anyRequest().authenticated())
                .formLogin(Customizer.withDefaults())
                .httpBasic(Customizer.withDefaults())
                // Hawtio's single-page app reads the token from this cookie and sends it back on each Jolokia POST;
                // the cookie is written on every response, since the app never renders a form that would load it.
                .csrf(csrf -> csrf.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler()))
                .addFilterAfter(new CsrfCookieWriter(), BasicAuthenticationFilter.class)
                .addFilterAfter(new JolokiaRequestGuard(EndpointRequest.to("jolokia"), true), AuthorizationFilter.class)
                .build();
    }

    private static final class CsrfCookieWriter extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken token) {
                token.getToken();
            }
            chain.doFilter(request, response);
        }
    }

    @Bean
    InMemoryUserDetailsManager consoleUsers(ConsoleUser console) {
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        List<UserDetails> users = new ArrayList<>();
        if (given(console.user(), console.password())) {
            users.add(User.withUsername(console.user()).password(encoder.encode(console.password()))
                    .authorities(JolokiaRequestGuard.OPERATOR, VIEWER).build());
        }
        if (given(console.viewerUser(), console.viewerPassword())) {
            users.add(User.withUsername(console.viewerUser()).password(encoder.encode(console.viewerPassword()))
                    .authorities(VIEWER).build());
        }
        if (users.isEmpty() && console.authentication()) {
            log.warn("No console user (SLUICE_CONSOLE_USER/SLUICE_CONSOLE_PASSWORD for the operator, "
                    + "SLUICE_CONSOLE_VIEWER_USER/SLUICE_CONSOLE_VIEWER_PASSWORD for the viewer): Hawtio and Jolokia "
                    + "are locked");
        }
        return new InMemoryUserDetailsManager(users);
    }

    private static boolean given(String user, String password) {
        return user != null && !user.isBlank() && password != null && !password.isBlank();
    }
}
