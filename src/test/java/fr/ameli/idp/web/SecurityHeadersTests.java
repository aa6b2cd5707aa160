package fr.ameli.idp.web;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.PasswordHasher;
import fr.ameli.idp.client.ClientProperties;
import fr.ameli.idp.client.RelyingParties;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import fr.ameli.idp.registry.TestInsuredPersons;
import fr.ameli.idp.web.error.ErrorRenderer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.ResponseCookie;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;

/** Issue 10, item 14: the CSRF cookie, the CSP of the pages, and what an unexpected database error logs. */
@IdpIntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class SecurityHeadersTests {

    @LocalServerPort
    int port;

    @Autowired
    DatabaseClient db;

    @Autowired
    Accounts accounts;

    @Autowired
    Registry registry;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    ErrorRenderer errors;

    @Test
    void loginPageWhenShownThenCsrfCookieHttpOnlyAndFormActionOnlySelfAndRegisteredOrigins() {
        EntityExchangeResult<byte[]> page = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build()
                .get().uri("/login").exchange().expectStatus().isOk().expectBody().returnResult();

        ResponseCookie csrf = page.getResponseCookies().getFirst("XSRF-TOKEN");
        assertThat(csrf).isNotNull();
        assertThat(csrf.isHttpOnly()).isTrue();
        String csp = page.getResponseHeaders().getFirst("Content-Security-Policy");
        assertThat(csp).contains("form-action 'self'").contains("frame-ancestors 'none'");
        String formAction = csp.substring(csp.indexOf("form-action"));
        List<String> sources = List.of(formAction.split(";")[0].split(" "));
        // The demo relying party's redirect origin (consent and login redirect there after a form), no wildcard.
        assertThat(sources).contains("'self'", "http://localhost:9876").doesNotContain("http:", "https:", "*");
        assertThat(sources.stream().skip(1)).allMatch(s -> s.equals("'self'") || s.matches("https?://[^/*]+"));
    }

    @Test
    void unexpectedFailureWhenDatabaseConstraintThenLogHasSqlStateAndConstraintButNoValue(CapturedOutput output) {
        String email = "contrainte.secrete@example.org";
        for (String nir : List.of("1930744109711", "1930744109712")) {
            TestInsuredPersons.importInto(registry, TestInsuredPersons.eligible(nir, "CONTRAINTE").givenNames("Paul")
                    .birthDate("1993-07-01").withoutProof());
        }
        accounts.provision(Nir.parse("1930744109711"), AccountStatus.ACTIVE, email, hasher.hash("Contrainte-2026").block())
                .block();
        accounts.provision(Nir.parse("1930744109712"), AccountStatus.ACTIVE, "autre.contrainte@example.org",
                hasher.hash("Contrainte-2026").block()).block();
        Throwable failure = db.sql("update account set email = :email where nir = '1930744109712'").bind("email", email)
                .then().map(v -> (Throwable) new IllegalStateException("no failure")).onErrorResume(e -> reactor.core.publisher.Mono.just(e))
                .block();
        assertThat(failure.toString() + failure.getCause()).as("the driver quotes the row").isNotNull();

        errors.browser(failure).block();

        assertThat(output.getOut()).contains("Unexpected failure").contains("SQLSTATE 23505")
                .contains("constraint account_email_unique").doesNotContain(email).doesNotContain("1930744109712");
    }

    @Autowired
    List<SecurityWebFilterChain> chains;

    @Autowired
    RelyingParties relyingParties;

    /**
     * The JSON endpoints of the relying parties and the authorization endpoint have a filter chain of their own (no
     * CSRF, anonymous or authorization filter: each authenticates its caller itself, or only redirects), with the same
     * security headers, also on the authorization endpoint's error page.
     */
    @Test
    void protocolEndpointWhenCalledThenOwnChainWithoutCsrfAndSameSecurityHeaders() {
        for (String path : List.of("/token", "/userinfo", "/revoke", "/par", "/authorize")) {
            assertThat(filtersOf(path)).as(path).contains("HttpHeaderWriterWebFilter")
                    .noneMatch(f -> f.contains("Csrf") || f.contains("Authorization") || f.contains("Anonymous"));
        }
        assertThat(filtersOf("/login")).contains("CsrfWebFilter");

        EntityExchangeResult<byte[]> token = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build()
                .post().uri("/token").exchange().expectStatus().isBadRequest().expectBody().returnResult();
        assertThat(token.getResponseHeaders().getFirst("X-Frame-Options")).isEqualTo("DENY");
        assertThat(token.getResponseHeaders().getFirst("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(token.getResponseHeaders().getFirst("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(token.getResponseHeaders().getFirst("Cache-Control")).contains("no-store");
        assertThat(token.getResponseHeaders().getFirst("Content-Security-Policy")).contains("frame-ancestors 'none'");
        assertThat(token.getResponseCookies()).doesNotContainKey("XSRF-TOKEN");

        EntityExchangeResult<byte[]> authorize = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build()
                .get().uri("/authorize?client_id=inconnu").exchange().expectStatus().isBadRequest().expectBody()
                .returnResult();
        assertThat(new String(authorize.getResponseBody(), java.nio.charset.StandardCharsets.UTF_8)).contains("<main");
        assertThat(authorize.getResponseHeaders().getFirst("X-Frame-Options")).isEqualTo("DENY");
        assertThat(authorize.getResponseHeaders().getFirst("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(authorize.getResponseHeaders().getFirst("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(authorize.getResponseHeaders().getFirst("Content-Security-Policy")).contains("frame-ancestors 'none'");
    }

    /** The header is kept between responses: a relying party registered now still reaches the next page's policy. */
    @Test
    void formActionWhenARelyingPartyIsRegisteredThenItsOriginInTheNextResponse() {
        String origin = "https://csp-nouvelle-origine.example";
        assertThat(loginPagePolicy()).doesNotContain(origin);
        relyingParties.register(new ClientProperties("rp-csp-origin", "CSP (test)", null, List.of("none"),
                List.of(origin + "/callback"), List.of(), List.of("openid"), null, null, null, null, true), "test").block();
        assertThat(loginPagePolicy()).contains(" " + origin);
    }

    private String loginPagePolicy() {
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build().get().uri("/login").exchange()
                .expectStatus().isOk().returnResult(byte[].class).getResponseHeaders().getFirst("Content-Security-Policy");
    }

    private List<String> filtersOf(String path) {
        ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post(path));
        SecurityWebFilterChain chain = Flux.fromIterable(chains).filterWhen(c -> c.matches(exchange)).blockFirst();
        return chain.getWebFilters().map(f -> f.getClass().getSimpleName()).collectList().block();
    }
}
