package fr.ameli.idp.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.ameli.idp.IdpIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.WebSessionManager;

/** The service hands out no WebSession: pages render without one, and nothing can be kept in one. */
@IdpIntegrationTest
class NoWebSessionsTests {

    @LocalServerPort
    int port;

    @Autowired
    WebSessionManager sessions;

    @Test
    void sessionWhenAskedForThenNeverStartedAndHoldsNothing() {
        WebSession session = sessions.getSession(MockServerWebExchange.from(MockServerHttpRequest.get("/login"))).block();

        assertThat(session).isInstanceOf(NoWebSessions.Unstarted.class);
        assertThat(session.isStarted()).isFalse();
        assertThat(session.getAttributes()).isEmpty();
        assertThatThrownBy(() -> session.getAttributes().put("person", "someone"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(session::start).isInstanceOf(UnsupportedOperationException.class);
        assertThat(sessions.getSession(MockServerWebExchange.from(MockServerHttpRequest.get("/"))).block())
                .as("the same for every exchange").isSameAs(session);
    }

    @Test
    void pageWhenRenderedThenNoSessionCookie() {
        EntityExchangeResult<String> page = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build()
                .get().uri("/login").exchange().expectStatus().isOk().expectBody(String.class).returnResult();

        assertThat(page.getResponseBody()).contains("<label for=\"nir\"").contains("name=\"_csrf\"");
        assertThat(page.getResponseCookies()).doesNotContainKey("SESSION").containsKey("XSRF-TOKEN");
    }
}
