package fr.ameli.idp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * A relying party reuses its keep-alive connection: token, then userinfo, then the next login. With Reactor Netty
 * 1.3.6 about 1 request in 100 that followed a response completed off the event loop (userinfo reads the
 * database) was never answered; 1.3.8 fixed it. This guards against the regression, for the answers of the pipeline
 * (a refused token) and for those written in front of it (a valid token: {@code DirectUserinfo}). The requests go
 * over one TCP connection opened here, each written as soon as the previous answer is read, so that reuse is certain
 * (a client library may silently open a new connection) and an unanswered request shows as a read timeout.
 */
@IdpIntegrationTest
class KeepAliveTests {

    @LocalServerPort
    int port;

    @Autowired
    DatabaseClient db;

    @Autowired
    Clock clock;

    @Test
    void requestsWhenSentOnOneKeepAliveConnectionThenEveryOneIsAnswered() throws Exception {
        String valid = TestAccessTokens.issue(db, clock, "demo-rp", "openid profile", Duration.ofMinutes(10), false, null);
        int unanswered = 0;
        try (Socket connection = new Socket("localhost", port)) {
            connection.setSoTimeout(3_000);
            OutputStream out = connection.getOutputStream();
            InputStream in = new BufferedInputStream(connection.getInputStream());
            for (int i = 0; i < 600; i++) {
                // a valid token (answered in front of the pipeline), a refused one (by the pipeline), the JWKS
                String path = i % 3 == 2 ? "/jwks" : "/userinfo";
                String token = i % 3 == 0 ? valid : "not-a-token";
                out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost:" + port
                        + "\r\nAuthorization: Bearer " + token + "\r\nAccept: application/json\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                Response response;
                try {
                    response = Response.read(in);
                } catch (SocketTimeoutException e) {
                    unanswered++;
                    break; // the connection is out of step now: the next answer may be this one's
                }
                assertThat(response.status()).as("request %d", i).isEqualTo(i % 3 == 1 ? 401 : 200);
                assertThat(response.closes()).as("the server keeps the connection open after request %d", i).isFalse();
            }
            assertThat(connection.isClosed()).isFalse();
        }
        assertThat(unanswered).isZero();
    }

    /** An HTTP/1.1 response read off the connection: status line, headers, and a body of Content-Length or chunks. */
    record Response(int status, boolean closes) {

        static Response read(InputStream in) throws IOException {
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            long length = 0;
            boolean chunked = false;
            boolean closes = false;
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                String name = header.substring(0, header.indexOf(':')).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(header.indexOf(':') + 1).trim().toLowerCase(Locale.ROOT);
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.contains("chunked");
                    case "connection" -> closes = value.contains("close");
                    default -> { }
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line(in).split(";")[0].trim(), 16); size > 0;
                        size = Long.parseLong(line(in).split(";")[0].trim(), 16)) {
                    in.readNBytes((int) size);
                    line(in);
                }
                for (String trailer = line(in); !trailer.isEmpty(); trailer = line(in)) {
                    // trailers: none expected
                }
            } else {
                in.readNBytes((int) length);
            }
            return new Response(status, closes);
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b == -1) {
                    throw new IOException("connection closed by the server");
                }
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
