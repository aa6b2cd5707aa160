package fr.ameli.idp;

import org.springframework.test.web.reactive.server.WebTestClient;

/** The operator API of a test instance: its token (long enough: 32 bytes at least) and a client on its port. */
public final class OperatorApi {

    /** {@code idp.operator.token} of the test instances. */
    public static final String TOKEN = "test-operator-token-0123456789abcdef0123456789";

    /** {@code @Value("${" + OperatorApi.PORT + "}")}: the operator port the instance listens on. */
    public static final String PORT = "local.operator.port";

    private OperatorApi() {
    }

    /** A client of the operator port that sends no token. */
    public static WebTestClient anonymous(int operatorPort) {
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + operatorPort).build();
    }

    /** A client of the operator port that sends the token. */
    public static WebTestClient client(int operatorPort) {
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + operatorPort)
                .defaultHeaders(h -> h.setBearerAuth(TOKEN)).build();
    }
}
