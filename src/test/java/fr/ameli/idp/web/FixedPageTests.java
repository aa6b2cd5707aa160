package fr.ameli.idp.web;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.web.server.csrf.DefaultCsrfToken;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;
import reactor.core.publisher.Mono;

/**
 * The login page as {@link FixedPage} serves it is, byte for byte and header for header, the page Thymeleaf renders
 * for the same values, on its first request (rendered with markers) and on the next ones (spliced), values that need
 * escaping included; and nothing of one request reaches another.
 */
@IdpIntegrationTest
class FixedPageTests {

    static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    @Autowired
    List<ViewResolver> views;

    @LocalServerPort
    int port;

    @Test
    void renderWhenFirstAndLaterRequestsThenWhatThymeleafRendersForTheSameValues() {
        FixedPage page = new FixedPage(views, "connexion", "auth");

        // The first request (the one rendered with markers) carries query parameters the others do not: a template
        // that read anything of its request besides the slots would hand the first visitor's to everyone.
        for (String[] values : new String[][] {
                {"token-of-the-first-request", "a1b2c3", "?nir=2850575112034&erreur=connexion.compte_bloque&auth=z"},
                {"token-of-the-second-request", "", ""},
                // Escaped as Thymeleaf escapes it (a CSRF token is Spring's, never anything to escape).
                {"a3f0c1d2-token", "x\"><script>alert(1)</script>&é", ""}}) {
            Rendered thymeleaf = render(values[0], values[2], request -> Pages.render(request, "connexion",
                    Map.of("auth", values[1])));
            Rendered fixed = render(values[0], values[2], request -> page.render(request, Map.of("auth", values[1])));

            assertThat(fixed.body()).isEqualTo(thymeleaf.body());
            assertThat(fixed.headers().getContentType()).isEqualTo(thymeleaf.headers().getContentType());
            assertThat(fixed.headers().getContentLanguage()).isEqualTo(thymeleaf.headers().getContentLanguage());
            assertThat(fixed.headers().getCacheControl()).isEqualTo("no-store");
            assertThat(fixed.exchange().getAttributes().get("_csrf")).isInstanceOf(CsrfToken.class)
                    .extracting(token -> ((CsrfToken) token).getToken()).isEqualTo(values[0]);
            assertThat(fixed.exchange().getAttributes()).as("the markers' model stays out of the request")
                    .doesNotContainKey("auth");
        }
        // The values went through the markup as markup-free text only.
        assertThat(render("t", "", request -> page.render(request, Map.of("auth", "x\"><script>"))).body())
                .doesNotContain("<script>").contains("value=\"x&quot;&gt;&lt;script&gt;\"");
    }

    @Test
    void renderWhenAValueIsMissingOrUnknownThenRefused() {
        FixedPage page = new FixedPage(views, "connexion", "auth");

        assertThat(page.render(request(exchange("t")), Map.of()).map(r -> "rendered").onErrorReturn("refused").block())
                .isEqualTo("refused");
        assertThat(page.render(request(exchange("t")), Map.of("auth", "a", "erreur", "connexion.compte_bloque"))
                .map(r -> "rendered").onErrorReturn("refused").block()).isEqualTo("refused");
    }

    @Test
    void renderWhenTheTemplateDoesNotShowASlotThenRefusedEachTime() {
        FixedPage page = new FixedPage(views, "connexion", "auth", "absent");

        for (int i = 0; i < 2; i++) {
            assertThat(page.render(request(exchange("t")), Map.of("auth", "a", "absent", "b"))
                    .map(r -> "rendered").onErrorResume(IllegalStateException.class, e -> Mono.just(e.getMessage())).block())
                    .isEqualTo("the template connexion shows no absent: not a fixed page");
        }
    }

    /** Over HTTP: each visitor gets a token of their own, the rest of the page is the same for all. */
    @Test
    void loginPageWhenTwoVisitorsThenEachHasItsOwnTokenAndTheSamePageOtherwise() {
        WebTestClient web = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
        String first = web.get().uri("/login").exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("text/html")
                .expectHeader().valueEquals(HttpHeaders.CACHE_CONTROL, "no-store")
                .expectBody(String.class).returnResult().getResponseBody();
        String second = web.get().uri("/login").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        String firstToken = token(first);
        String secondToken = token(second);
        assertThat(firstToken).isNotEqualTo(secondToken);
        assertThat(first.replace(firstToken, "T")).isEqualTo(second.replace(secondToken, "T"))
                .contains("<title>J&#39;accède à mon compte ameli - ")
                .doesNotContain("fixedpage");
    }

    /**
     * The page's CSRF token, in one field: the template's (a {@code th:action} form would get a second one from Spring
     * Security's form processor).
     */
    private static String token(String page) {
        Matcher m = CSRF.matcher(page);
        assertThat(m.find()).as("a CSRF field").isTrue();
        String token = m.group(1);
        assertThat(m.find()).as("one CSRF field").isFalse();
        return token;
    }

    record Rendered(String body, HttpHeaders headers, MockServerWebExchange exchange) {
    }

    private Rendered render(String token, String query,
            java.util.function.Function<ServerRequest, Mono<ServerResponse>> handler) {
        MockServerWebExchange exchange = exchange(token, query);
        ServerResponse response = handler.apply(request(exchange)).block();
        response.writeTo(exchange, new ServerResponse.Context() {
            @Override
            public List<HttpMessageWriter<?>> messageWriters() {
                return HandlerStrategies.withDefaults().messageWriters();
            }

            @Override
            public List<ViewResolver> viewResolvers() {
                return views;
            }
        }).block();
        return new Rendered(exchange.getResponse().getBodyAsString().block(), exchange.getResponse().getHeaders(), exchange);
    }

    private static MockServerWebExchange exchange(String token) {
        return exchange(token, "");
    }

    private static MockServerWebExchange exchange(String token, String query) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/login" + query)
                .header(HttpHeaders.ACCEPT_LANGUAGE, "fr-FR"));
        exchange.getAttributes().put(CsrfToken.class.getName(), Mono.just(new DefaultCsrfToken("X-CSRF-TOKEN", "_csrf", token)));
        return exchange;
    }

    private static ServerRequest request(MockServerWebExchange exchange) {
        return ServerRequest.create(exchange, HandlerStrategies.withDefaults().messageReaders());
    }
}
