package fr.ameli.idp.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import fr.ameli.idp.KnownDevices;
import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.TestBrowser;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The service runs without Netty's leak detection (jvm.options: the stack traces it takes for the buffers it samples
 * were 3.8 % of an SSO flow's event-loop samples), so leaks are looked for here, with every buffer tracked
 * ({@code PARANOID}): the operations of the benchmark, answered in front of the pipeline or through it, and the
 * failures the answers in front hand over with a body already read. A buffer the collector clears before it was
 * released is reported by Netty at the next buffer it tracks, as an ERROR of {@code io.netty.util.ResourceLeakDetector},
 * which this test collects. In production the signal is the allocator's memory ({@code netty_allocator_memory_used}),
 * checked here to be published.
 */
@IdpIntegrationTest
class BufferLeakTests {

    private static final int ROUNDS = 3;

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    DatabaseClient db;

    private final Logger detector = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
    private final ListAppender<ILoggingEvent> reports = new ListAppender<>();
    private ResourceLeakDetector.Level before;

    private OidcTestClient rp;
    private TestBrowser backChannel;

    @BeforeEach
    void trackEveryBuffer() throws Exception {
        before = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        // What earlier test classes leaked and the collector has cleared is reported at the next buffer tracked: now,
        // in the log, before this test listens (a leak of theirs is not one of these paths).
        System.gc();
        Thread.sleep(50);
        ByteBufAllocator.DEFAULT.buffer(1).release();
        reports.start();
        detector.addAppender(reports);
        rp = new OidcTestClient(port);
        KnownDevices.remember(db, rp.browser, "2850575112034");
        backChannel = OidcTestClient.demoBackChannel(port);
    }

    @AfterEach
    void restore() {
        detector.detachAppender(reports);
        reports.stop();
        ResourceLeakDetector.setLevel(before);
    }

    @Test
    void hotPathsAndTheirFailuresWhenRunThenNoBufferIsLeft() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            assertThat(rp.browser.get("/.well-known/openid-configuration").status()).isEqualTo(HttpStatus.OK);
            assertThat(rp.browser.get("/jwks").status()).isEqualTo(HttpStatus.OK);

            // A fresh login (the login page and the form through the pipeline), the code exchanged in front.
            rp.browser.forget("AMELI_SESSION");
            OidcTestClient.Started login = request(null);
            TestBrowser.Response toLogin = rp.browser.get(login.uri().toString());
            assertThat(rp.browser.follow(toLogin).status()).isEqualTo(HttpStatus.OK);
            TestBrowser.Response callback = rp.browser.post("/login", Map.of("nir", OidcTestClient.MARTIN_NIR,
                    "password", OidcTestClient.MARTIN_PASSWORD, "auth", toLogin.query("auth")));
            if ("/consent".equals(callback.location().getPath())) {
                callback = rp.consent(callback);
            }
            assertThat(callback.location().toString()).startsWith(OidcTestClient.DEMO_REDIRECT + "?code=");
            TestBrowser.Response tokens = OidcTestClient.demoCodeExchange(backChannel, callback, login);
            assertThat(tokens.status()).isEqualTo(HttpStatus.OK);
            TestBrowser bearer = new TestBrowser(port).header("Authorization", "Bearer " + OidcTestClient.accessToken(tokens));
            assertThat(bearer.get("/userinfo").status()).isEqualTo(HttpStatus.OK);

            // SSO, both requests in front of the pipeline.
            OidcTestClient.Started sso = request("none");
            TestBrowser.Response ssoCallback = rp.browser.get(sso.uri().toString());
            assertThat(ssoCallback.location().toString()).startsWith(OidcTestClient.DEMO_REDIRECT + "?code=");
            assertThat(OidcTestClient.demoCodeExchange(backChannel, ssoCallback, sso).status()).isEqualTo(HttpStatus.OK);

            // Handed over with what failed in front: a code used twice (its body read in front, then again), an
            // unknown bearer token, an unknown client at /authorize; and a wrong password through the pipeline.
            assertThat(OidcTestClient.demoCodeExchange(backChannel, ssoCallback, sso).status()).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(new TestBrowser(port).header("Authorization", "Bearer not-a-token").get("/userinfo").status())
                    .isEqualTo(HttpStatus.UNAUTHORIZED);
            assertThat(rp.browser.get("/authorize?client_id=nobody&response_type=code&scope=openid").status())
                    .isEqualTo(HttpStatus.BAD_REQUEST);
            rp.browser.forget("AMELI_SESSION");
            OidcTestClient.Started wrong = request(null);
            TestBrowser.Response toWrong = rp.browser.get(wrong.uri().toString());
            assertThat(rp.browser.follow(toWrong).status()).isEqualTo(HttpStatus.OK);
            // a NIR of no one (without its key), so that no other test's limit per NIR is touched
            String nobody = "1900175" + String.format("%06d", java.util.concurrent.ThreadLocalRandom.current().nextInt(1_000_000));
            assertThat(rp.browser.post("/login", Map.of("nir", nobody, "password", "Pas-le-bon-1",
                    "auth", toWrong.query("auth"))).status()).isEqualTo(HttpStatus.OK);
        }

        // A leaked buffer is reported once the collector has cleared it, at the next buffer tracked.
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            assertThat(rp.browser.get("/jwks").status()).isEqualTo(HttpStatus.OK);
            assertThat(backChannel.post("/token", Map.of("grant_type", "authorization_code", "code", "used",
                    "redirect_uri", OidcTestClient.DEMO_REDIRECT)).status()).isEqualTo(HttpStatus.BAD_REQUEST);
        }
        List<String> leaks;
        synchronized (reports) { // the event loops append under the appender's lock
            leaks = reports.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
        assertThat(leaks).isEmpty();
    }

    @Test
    void allocatorMemoryWhenRequestsServedThenPublishedForAnAlert() throws Exception {
        assertThat(rp.browser.get("/jwks").status()).isEqualTo(HttpStatus.OK);
        HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://localhost:" + managementPort + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        Matcher direct = Pattern.compile("(?m)^netty_allocator_memory_used\\{[^}]*memory_type=\"direct\"[^}]*} (\\S+)$")
                .matcher(scrape.body());
        assertThat(direct.find()).as("the allocator's direct memory in the scrape: %s",
                scrape.body().lines().filter(line -> line.startsWith("netty")).toList()).isTrue();
        // the buffers of the requests just served came from it
        assertThat(Double.parseDouble(direct.group(1))).isPositive();
    }

    private OidcTestClient.Started request(String prompt) {
        return rp.authorizationRequest(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT, "openid profile email birth", prompt);
    }
}
