package fr.ameli.idp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The actuator (probes, metrics) answers on the management port, the operator API on the operator port, and
 * neither on the public port, whatever the spelling of the path.
 */
@IdpIntegrationTest
class OperationsTests {

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Value("${" + OperatorApi.PORT + "}")
    int operatorPort;

    WebTestClient management;

    @BeforeEach
    void client() {
        management = WebTestClient.bindToServer().baseUrl("http://localhost:" + managementPort).build();
    }

    @Test
    void healthWhenDatabaseUpThenUp() {
        management.get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
    }

    @Test
    void readinessWhenDatabaseUpThenIncludesDatabase() {
        management.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components.r2dbc.status").isEqualTo("UP");
    }

    @Test
    void livenessWhenRunningThenUp() {
        management.get().uri("/actuator/health/liveness").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
    }

    @Test
    void prometheusWhenScrapedThenExposesJvmAndHttpMetrics() {
        // an observed request of this test's own (the discovery document is answered before the observation)
        WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build()
                .get().uri("/userinfo").exchange().expectStatus().isUnauthorized();
        management.get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk()
                .expectBody(String.class)
                .value(body -> assertThat(body)
                        .contains("jvm_memory_used_bytes")
                        .containsPattern("http_server_requests_seconds_count\\{[^}]*status=\"401\"[^}]*uri=\"/userinfo\"")
                        // requests are timed, not also counted in flight (a long-task timer per request)
                        .doesNotContain("http_server_requests_active"));
    }

    @Test
    void managementPortWhenScrapedRawThenMetrics() throws IOException {
        // The raw client below reaches what it is pointed at: the public-port test that follows is not vacuous.
        assertThat(get(managementPort, "/actuator/prometheus")).startsWith("HTTP/1.1 200").contains("# TYPE jvm_");
        assertThat(get(managementPort, "/actuator/health/readiness")).startsWith("HTTP/1.1 200").contains("\"UP\"");
    }

    /** Path spellings a proxy, a router or a servlet container might normalise to /actuator/… */
    @ParameterizedTest
    @ValueSource(strings = {"/actuator/prometheus", "/actuator/health", "/actuator/health/readiness", "/actuator",
            "/actuator;x/prometheus", "/actuator/prometheus;x", "/actuator;/prometheus", "/actuator/../actuator/prometheus",
            "/x/../actuator/prometheus", "/./actuator/prometheus", "/actuator/./prometheus", "//actuator/prometheus",
            "///actuator//prometheus", "/%61ctuator/prometheus", "/%2Factuator/prometheus", "/actuator%2Fprometheus",
            "/actuator%2fprometheus", "/%2e/actuator/prometheus", "/%2e%2e/actuator/prometheus",
            "/actuator/%2e%2e/actuator/prometheus", "/actuator%3Bx/prometheus", "/ACTUATOR/PROMETHEUS",
            "/Actuator/prometheus", "/actuator/prometheus/", "/actuator\\prometheus", "/actuator/prometheus?x=1",
            "/actuator/prometheus%00", "/actuator/prometheus%20", "/%252e/actuator/prometheus",
            "http://localhost/actuator/prometheus"})
    void publicPortWhenActuatorPathSpelledAnyWayThenNothingServed(String path) throws IOException {
        String response = get(port, path);

        assertThat(response).doesNotStartWith("HTTP/1.1 2").doesNotContain("# TYPE").doesNotContain("jvm_")
                .doesNotContain("\"UP\"").doesNotContain("r2dbc");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/operator/provisional-codes", "//operator/provisional-codes",
            "/operator;x/provisional-codes", "/x/../operator/provisional-codes", "/%6Fperator/provisional-codes",
            "/operator%2Fprovisional-codes"})
    void publicPortWhenOperatorPathWithTokenThenNothingServed(String path) throws IOException {
        String body = "{\"nir\":\"1621228010001\"}";
        String response = request(port, "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + OperatorApi.TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body);

        assertThat(response).doesNotStartWith("HTTP/1.1 2").doesNotContain("\"code\"").doesNotContain("expires_at");
    }

    @Test
    void operatorPortWhenTokenThenServed() throws IOException {
        String response = request(operatorPort, "POST /operator/provisional-codes HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + OperatorApi.TOKEN + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2\r\nConnection: close\r\n\r\n{}");

        assertThat(response).startsWith("HTTP/1.1 400").contains("invalid_request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/actuator/prometheus", "/actuator/health", "/login", "/.well-known/openid-configuration"})
    void operatorPortWhenActuatorOrPublicPathThenNotFound(String path) throws IOException {
        assertThat(get(operatorPort, path)).startsWith("HTTP/1.1 404");
        assertThat(request(operatorPort, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + OperatorApi.TOKEN + "\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 404");
    }

    /**
     * The management port is the actuator's only: the service's pages and endpoints, answered by the pipeline or in
     * front of it, are not served there (its server is built from a child context that sees the application's). Each
     * of these paths is served on the public port.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/login", "/login?x=1", "/%6Cogin", "/.well-known/openid-configuration", "/jwks", "/status",
            "/authorize?client_id=demo-rp", "/inscription"})
    void managementPortWhenPublicPathThenNotFound(String path) throws IOException {
        assertThat(get(port, path)).as("served on the public port").doesNotStartWith("HTTP/1.1 404");
        assertThat(get(managementPort, path)).startsWith("HTTP/1.1 404");
    }

    @Test
    void managementPortWhenProtocolRequestThenNotFound() throws IOException {
        String token = "POST /token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: 0\r\nConnection: close\r\n\r\n";
        String userinfo = "GET /userinfo HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer x\r\nConnection: close\r\n\r\n";
        assertThat(request(port, token)).startsWith("HTTP/1.1 401");
        assertThat(request(port, userinfo)).startsWith("HTTP/1.1 401");
        assertThat(request(managementPort, token)).startsWith("HTTP/1.1 404");
        assertThat(request(managementPort, userinfo)).startsWith("HTTP/1.1 404");
    }

    /** A GET written by hand: the path goes on the wire exactly as given, with no client-side normalisation. */
    static String get(int port, String path) throws IOException {
        return request(port, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    }

    static String request(int port, String raw) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
