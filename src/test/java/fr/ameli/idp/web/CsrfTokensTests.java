package fr.ameli.idp.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseCookie;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.csrf.CsrfToken;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

class CsrfTokensTests {

    private final CsrfTokens tokens = new CsrfTokens();

    @Test
    void tokenWhenGeneratedThenRandom256BitsUnderTheCookieRepositorysNames() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            CsrfToken token = tokens.generateToken(exchange()).block();
            assertThat(token.getHeaderName()).isEqualTo("X-XSRF-TOKEN");
            assertThat(token.getParameterName()).isEqualTo("_csrf");
            assertThat(token.getToken()).matches("[A-Za-z0-9_-]{43}");
            seen.add(token.getToken());
        }
        assertThat(seen).hasSize(1000);
    }

    /** Drawn on the calling thread: a non-blocking one here, where BlockHound fails any blocking call. */
    @Test
    void tokenWhenGeneratedOnAnEventLoopLikeThreadThenNoBlockingCallAndNoHandOver() {
        String[] thread = new String[1];
        CsrfToken token = Mono.defer(() -> tokens.generateToken(exchange()))
                .doOnNext(t -> thread[0] = Thread.currentThread().getName())
                .subscribeOn(Schedulers.parallel()).block();

        assertThat(token).isNotNull();
        assertThat(thread[0]).startsWith("parallel");
    }

    @Test
    void tokenWhenSavedThenTheCookieLoadsTheSameToken() {
        MockServerWebExchange first = exchange();
        CsrfToken token = tokens.generateToken(first).block();
        tokens.saveToken(first, token).block();
        ResponseCookie cookie = first.getResponse().getCookies().getFirst("XSRF-TOKEN");
        assertThat(cookie).isNotNull();
        assertThat(cookie.isHttpOnly()).isTrue();

        MockServerWebExchange next = MockServerWebExchange.from(MockServerHttpRequest.post("/login")
                .cookie(new org.springframework.http.HttpCookie("XSRF-TOKEN", cookie.getValue())));
        CsrfToken loaded = tokens.loadToken(next).block();

        assertThat(loaded.getToken()).isEqualTo(token.getToken());
        assertThat(loaded.getHeaderName()).isEqualTo(token.getHeaderName());
        assertThat(loaded.getParameterName()).isEqualTo(token.getParameterName());
    }

    private static MockServerWebExchange exchange() {
        return MockServerWebExchange.from(MockServerHttpRequest.get("/login"));
    }
}
