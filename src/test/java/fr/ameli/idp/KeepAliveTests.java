package fr.ameli.idp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URL;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A relying party on a JDK client reuses its keep-alive connection: token, then userinfo, then the next login.
 * With Reactor Netty 1.3.6 about 1 request in 100 that followed a response completed off the event loop (userinfo
 * reads the database) was never answered; 1.3.8 fixed it. This guards against the regression.
 */
@IdpIntegrationTest
class KeepAliveTests {

    @LocalServerPort
    int port;

    @Test
    void requestsWhenSentOnOneKeepAliveConnectionThenEveryOneIsAnswered() throws Exception {
        int unanswered = 0;
        for (int i = 0; i < 600; i++) {
            String path = i % 2 == 0 ? "/userinfo" : "/jwks";
            HttpURLConnection c = (HttpURLConnection) new URL("http://localhost:" + port + path).openConnection();
            c.setConnectTimeout(2_000);
            c.setReadTimeout(3_000);
            c.setRequestProperty("Authorization", "Bearer not-a-token");
            try {
                int status = c.getResponseCode();
                try (InputStream body = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                    if (body != null) {
                        body.readAllBytes();
                    }
                }
                assertThat(status).isEqualTo(i % 2 == 0 ? 401 : 200);
            } catch (SocketTimeoutException e) {
                unanswered++;
            }
        }
        assertThat(unanswered).isZero();
    }
}
