package fr.ameli.idp.web.error;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.RouterFunction;

/**
 * One error shape per channel, declared by each router: every route of the public server has a channel; under
 * {@code /api/} every failure is an RFC 9457 problem (404, 405, 415, malformed JSON, 5xx); elsewhere the shapes
 * are unchanged (French page, OAuth JSON).
 */
@IdpIntegrationTest
class ErrorChannelTests {

    @LocalServerPort
    int port;

    @Autowired
    List<RouterFunction<?>> routers;

    @Autowired
    GlobalErrorHandler handler;

    WebTestClient http;

    @BeforeEach
    void setUp() {
        http = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
    }

    @Test
    void everyRouteWhenListedThenItsRouterDeclaredAChannel() {
        List<RouteCatalog.Route> routes = RouteCatalog.of(routers).routes();
        assertThat(routes).hasSizeGreaterThan(30);
        assertThat(routes).allSatisfy(route -> assertThat(route.channel())
                .as("%s %s declares no ErrorChannel", route.methods(), route.pattern()).isNotNull());
        assertThat(routes).filteredOn(r -> r.pattern().startsWith("/api/"))
                .allSatisfy(r -> assertThat(r.channel()).isEqualTo(ErrorChannel.PROBLEM));
        assertThat(routes).filteredOn(r -> r.pattern().equals("/token") || r.pattern().equals("/userinfo"))
                .isNotEmpty().allSatisfy(r -> assertThat(r.channel()).isEqualTo(ErrorChannel.OAUTH));
        assertThat(routes).filteredOn(r -> r.pattern().equals("/login") || r.pattern().equals("/authorize"))
                .isNotEmpty().allSatisfy(r -> assertThat(r.channel()).isEqualTo(ErrorChannel.PAGE));
    }

    @Test
    void apiUnknownPathWhenRequestedThenProblem404() {
        http.get().uri("/api/v1/nothing").exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(404).jsonPath("$.code").isEqualTo("not_found")
                .jsonPath("$.type").isEqualTo("https://ameli.example/problems/not_found")
                .jsonPath("$.title").isNotEmpty();
    }

    @Test
    void apiWrongMethodWhenRequestedThenProblem405WithAllow() {
        http.delete().uri("/api/v1/enrollments").exchange()
                .expectStatus().isEqualTo(HttpStatus.METHOD_NOT_ALLOWED)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals(HttpHeaders.ALLOW, "POST")
                .expectBody().jsonPath("$.code").isEqualTo("method_not_allowed").jsonPath("$.status").isEqualTo(405);
    }

    @Test
    void apiBodyWhenNotJsonMediaTypeThenProblem415() {
        String id = started();
        http.post().uri("/api/v1/enrollments/{id}/identite", id).contentType(MediaType.TEXT_PLAIN).bodyValue("nom=x")
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("unsupported_media_type").jsonPath("$.status").isEqualTo(415);
    }

    @Test
    void apiBodyWhenMalformedJsonThenProblem400() {
        String id = started();
        http.post().uri("/api/v1/enrollments/{id}/identite", id).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"nom\": \"Dupont\",").exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("invalid_json").jsonPath("$.status").isEqualTo(400)
                .jsonPath("$.detail").doesNotExist();
    }

    @Test
    void apiWhenHandlerFailsUnexpectedlyThenProblem500WithoutDetails() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/api/v1/enrollments"));
        exchange.getAttributes().put(ErrorChannel.ATTRIBUTE, ErrorChannel.PROBLEM);

        handler.handle(exchange, new IllegalStateException("secret detail")).block();

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThat(exchange.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        String body = exchange.getResponse().getBodyAsString().block();
        assertThat(body).contains("\"code\":\"server_error\"", "\"status\":500")
                .doesNotContain("secret", "IllegalStateException", "at fr.");
    }

    @Test
    void apiWhenUpstreamFailsThenProblem503() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/enrollments/x"));
        exchange.getAttributes().put(ErrorChannel.ATTRIBUTE, ErrorChannel.PROBLEM);

        handler.handle(exchange, new UpstreamException(UpstreamException.Upstream.DATABASE, "down",
                new RuntimeException("connection refused"))).block();

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(exchange.getResponse().getBodyAsString().block()).contains("\"code\":\"temporarily_unavailable\"")
                .doesNotContain("connection refused");
    }

    @Test
    void oauthAndPageChannelsWhenFailingThenTheirOwnShapes() {
        http.get().uri("/userinfo").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueMatches(HttpHeaders.WWW_AUTHENTICATE, "Bearer.*")
                .expectBody().jsonPath("$.error").isEqualTo("invalid_token");
        http.get().uri("/nulle-part").exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML);
        MockServerWebExchange page = MockServerWebExchange.from(MockServerHttpRequest.get("/login"));
        page.getAttributes().put(ErrorChannel.ATTRIBUTE, ErrorChannel.PAGE);
        handler.handle(page, new IllegalStateException("boom")).block();
        assertThat(page.getResponse().getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
    }

    private String started() {
        return (String) http.post().uri("/api/v1/enrollments").exchange().expectStatus().isCreated()
                .expectBody(java.util.Map.class).returnResult().getResponseBody().get("id");
    }
}
