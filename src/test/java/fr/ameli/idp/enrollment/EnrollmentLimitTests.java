package fr.ameli.idp.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.MutableClock;
import fr.ameli.idp.TestBrowser;
import fr.ameli.idp.registry.Registry;
import fr.ameli.idp.registry.TestInsuredPersons;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The identity and proof steps test what a person knows (issue 10, item 4): submissions are counted per NIR across
 * attempts (a restart, a new cookie, the app API start nothing afresh) and per client address, web and API
 * alike: 10 identity and 6 proof submissions per NIR per 24 hours, 20 of each per address per hour.
 */
@IdpIntegrationTest
class EnrollmentLimitTests {

    @LocalServerPort
    int port;

    @Autowired
    Registry registry;

    @Autowired
    MutableClock clock;

    @BeforeEach
    void setUp() {
        // Time stands still: a test never straddles two windows of a limit.
        clock.set(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        TestInsuredPersons.importInto(registry, TestInsuredPersons.eligible("1780144109001", "IDENTITE"),
                TestInsuredPersons.eligible("1780144109002", "PREUVE"), TestInsuredPersons.eligible("1780144109003", "RAFALE"),
                TestInsuredPersons.eligible("1780144109004", "ADRESSE"));
    }

    @AfterEach
    void tearDown() {
        clock.reset();
    }

    @Test
    void identityWhenRestartedOnWebAndApiThenCountedPerNirAndEleventhRefused() {
        for (int i = 0; i < 10; i++) {
            Map<String, String> guess = identity("IDENTITE", "1780144109001", String.format("%05d", 75001 + i));
            if (i % 2 == 0) {
                // A new browser each time: new cookie, new attempt, new address.
                assertThat(web(new TestBrowser(port), guess).body()).contains("ne nous permettent pas de vous identifier");
            } else {
                api(TestBrowser.newClientAddress(), guess).expectStatus().isEqualTo(422);
            }
        }
        Map<String, String> right = identity("IDENTITE", "1780144109001", "44000");
        TestBrowser.Response page = web(new TestBrowser(port), right);
        assertThat(page.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(page.body()).contains("Trop de demandes ont été faites pour ce numéro");
        assertThat(Long.parseLong(page.header("Retry-After"))).isPositive();
        EntityExchangeResult<byte[]> problem = api(TestBrowser.newClientAddress(), right)
                .expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().exists("Retry-After")
                .expectBody().jsonPath("$.code").isEqualTo("too_many_attempts").jsonPath("$.step").isEqualTo("identite")
                .returnResult();
        assertThat(Long.parseLong(problem.getResponseHeaders().getFirst("Retry-After"))).isPositive();
    }

    @Test
    void identityWhenTwentyFromOneAddressThenThatAddressRefusedOnWebAndApi() {
        String address = TestBrowser.newClientAddress();
        for (int i = 0; i < 20; i++) {
            // A different unknown NIR each time: only the address can be counted.
            Map<String, String> guess = identity("INCONNU", String.format("1780144109%03d", 500 + i), "44000");
            if (i % 2 == 0) {
                assertThat(web(new TestBrowser(port).header("X-Forwarded-For", address), guess).status())
                        .isEqualTo(HttpStatus.OK);
            } else {
                api(address, guess).expectStatus().isEqualTo(422);
            }
        }
        Map<String, String> right = identity("ADRESSE", "1780144109004", "44000");
        assertThat(web(new TestBrowser(port).header("X-Forwarded-For", address), right).status())
                .isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        api(address, right).expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        // Another address is not concerned.
        assertThat(web(new TestBrowser(port), right).location().getPath()).isEqualTo("/inscription/verification");
    }

    @Test
    void proofWhenWrongAcrossAttemptsThenRefusedPerNirEvenWhenRight() {
        for (int attempt = 0; attempt < 2; attempt++) {
            TestBrowser browser = new TestBrowser(port);
            assertThat(web(browser, identity("PREUVE", "1780144109002", "44000")).location().getPath())
                    .isEqualTo("/inscription/verification");
            for (int i = 0; i < 3; i++) {
                browser.get("/inscription/verification");
                assertThat(browser.post("/inscription/verification", Map.of("iban7", "0000000", "carteVitale11", "00000000000"))
                        .status()).isEqualTo(HttpStatus.OK);
            }
        }
        // A third attempt: a new cookie used to bring three fresh tries.
        TestBrowser browser = new TestBrowser(port);
        web(browser, identity("PREUVE", "1780144109002", "44000"));
        browser.get("/inscription/verification");
        TestBrowser.Response refused = browser.post("/inscription/verification",
                Map.of("iban7", "3024474", "carteVitale11", "78014410900"));
        assertThat(refused.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(refused.body()).contains("Trop de demandes");
        assertThat(browser.get("/inscription/verification").status()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void identityWhenFifteenAtOnceThroughApiThenTenChecked() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            ids.add(start(TestBrowser.newClientAddress()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(15);
        try {
            List<CompletableFuture<Integer>> tries = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                String id = ids.get(i);
                Map<String, String> guess = identity("RAFALE", "1780144109003", String.format("%05d", 75001 + i));
                tries.add(CompletableFuture.supplyAsync(() -> client(TestBrowser.newClientAddress()).post()
                        .uri("/api/v1/enrollments/{id}/identite", id).contentType(MediaType.APPLICATION_JSON).bodyValue(guess)
                        .exchange().returnResult(byte[].class).getStatus().value(), pool));
            }
            List<Integer> statuses = tries.stream().map(CompletableFuture::join).toList();
            assertThat(statuses).filteredOn(s -> s == 422).hasSize(10);
            assertThat(statuses).filteredOn(s -> s == 429).hasSize(5);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Map<String, String> identity(String name, String nir, String postal) {
        return Map.of("nom", name, "nir", nir, "dateNaissance", "01/01/1980", "codePostal", postal);
    }

    private static TestBrowser.Response web(TestBrowser browser, Map<String, String> identity) {
        browser.get("/inscription");
        return browser.post("/inscription/identite", identity);
    }

    private WebTestClient.ResponseSpec api(String address, Map<String, String> identity) {
        return client(address).post().uri("/api/v1/enrollments/{id}/identite", start(address))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(identity).exchange();
    }

    private String start(String address) {
        return (String) client(address).post().uri("/api/v1/enrollments").exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id");
    }

    private WebTestClient client(String address) {
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + port).defaultHeader("X-Forwarded-For", address)
                .build();
    }
}
