package fr.ameli.idp.enrollment;

import static fr.ameli.idp.registry.TestInsuredPersons.eligible;
import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import fr.ameli.idp.registry.TestInsuredPersons;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The app's JSON API: person 9 (partner scheme ENIM, usage name GIRARD), problems, concurrency. */
@IdpIntegrationTest
class EnrollmentApiTests {

    @LocalServerPort
    int port;

    @Autowired
    Accounts accounts;

    @Autowired
    Registry registry;

    @Autowired
    DatabaseClient db;

    WebTestClient api;

    @BeforeEach
    void setUp() {
        // One client address per test, as for the browsers (the test plays the ingress proxy).
        api = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .defaultHeader("X-Forwarded-For", fr.ameli.idp.TestBrowser.newClientAddress()).build();
    }

    String start() {
        return (String) api.post().uri("/api/v1/enrollments").exchange()
                .expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id");
    }

    WebTestClient.ResponseSpec post(String id, String step, Map<String, String> body) {
        return api.post().uri("/api/v1/enrollments/{id}/{step}", id, step).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange();
    }

    @Test
    void faureWhenEnrollingThroughApiWithUsageNameThenPendingAccount() {
        String id = start();
        post(id, "identite", Map.of("nom", "Girard", "nir", "2 00 02 33 063 045 16", "dateNaissance", "11/02/2000",
                "codePostal", "33000"))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.step").isEqualTo("verification")
                .jsonPath("$.ibanMasque").isEqualTo("FR76 1660 6*** **** **** **** ***");
        post(id, "verification", Map.of("iban7", "5432115", "carteVitale11", "78978978978"))
                .expectStatus().isOk().expectBody().jsonPath("$.step").isEqualTo("cgu");
        post(id, "cgu", Map.of("decision", "accepter")).expectBody().jsonPath("$.step").isEqualTo("mot-de-passe");
        post(id, "mot-de-passe", Map.of("motDePasse", "emma2000", "confirmation", "emma2000"))
                .expectStatus().isEqualTo(422)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("invalid_input")
                .jsonPath("$.violations").isArray()
                .jsonPath("$.force").isEqualTo("faible");
        post(id, "mot-de-passe", Map.of("motDePasse", "Girard-Emma+Ok9", "confirmation", "Girard-Emma+Ok9"))
                .expectBody().jsonPath("$.step").isEqualTo("coordonnees");
        post(id, "coordonnees", Map.of("email", "emma.girard@example.fr", "emailConfirmation", "emma.girard@example.fr",
                "consentementEmail", "oui"))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.step").isEqualTo("confirmation-email")
                .jsonPath("$.emailMasque").isEqualTo("e****@example.fr");

        assertThat(accounts.findByNir(Nir.parse("2000233063045")).block().status().name()).isEqualTo("PENDING");
        api.get().uri("/api/v1/enrollments/{id}", id).exchange().expectBody().jsonPath("$.step").isEqualTo("confirmation-email");
    }

    @Test
    void apiWhenStepOutOfOrderThenConflictWithCurrentStep() {
        String id = start();
        post(id, "cgu", Map.of("decision", "accepter"))
                .expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("step_out_of_order").jsonPath("$.step").isEqualTo("identite");
    }

    @Test
    void apiWhenPersonExcludedThenProblemWithStableCode() {
        String id = start();
        post(id, "identite", Map.of("nom", "Roux", "nir", "2710833063120", "dateNaissance", "30/08/1971",
                "codePostal", "33000"))
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.code").isEqualTo("no_active_carte_vitale").jsonPath("$.status").isEqualTo(403);
    }

    @Test
    void apiWhenIdUnknownOrBodyMalformedThenProblem() {
        post("unknown-id", "identite", Map.of()).expectStatus().isNotFound().expectBody().jsonPath("$.code").isEqualTo("not_found");
        String id = start();
        api.post().uri("/api/v1/enrollments/{id}/identite", id).contentType(MediaType.APPLICATION_JSON).bodyValue("[not json")
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("invalid_json");
    }

    @Test
    void openApiWhenRequestedThenServed() {
        api.get().uri("/api/v1/openapi.yaml").exchange().expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).contains("openapi: 3.1.0").contains("/api/v1/enrollments"));
    }

    @Test
    void contactWhenTwoConcurrentCreationsUseSameEmailThenExactlyOneAccount() {
        TestInsuredPersons.importInto(registry, eligible("1800144109041", "CONCURRENT"), eligible("1800144109042", "RIVAL"));
        String first = atContact("CONCURRENT", "1800144109041");
        String second = atContact("RIVAL", "1800144109042");
        Map<String, String> contact = Map.of("email", "meme.adresse@example.fr", "emailConfirmation", "MEME.adresse@example.fr",
                "consentementEmail", "non");
        List<Integer> statuses = List.of(first, second).parallelStream()
                .map(id -> CompletableFuture.supplyAsync(() -> post(id, "coordonnees", contact).returnResult(String.class)
                        .getStatus().value()))
                .map(CompletableFuture::join)
                .sorted().toList();
        assertThat(statuses).containsExactly(200, 422);
        assertThat(db.sql("select count(*) from account where lower(email) = 'meme.adresse@example.fr'")
                .map(r -> r.get(0, Long.class)).one().block()).isEqualTo(1);
    }

    @Autowired
    fr.ameli.idp.MutableClock clock;

    @Test
    void creationWhenSmtpDownThenAccountCreatedAndMailDeliveredAfterRecovery() throws Exception {
        TestInsuredPersons.importInto(registry, eligible("1800144109043", "PANNE"));
        String id = atContact("PANNE", "1800144109043");
        com.icegreen.greenmail.util.GreenMail smtp = fr.ameli.idp.embedded.EmbeddedInfrastructure.smtpServer();
        smtp.stop();
        try {
            post(id, "coordonnees", Map.of("email", "panne.smtp@example.fr", "emailConfirmation", "panne.smtp@example.fr",
                    "consentementEmail", "non"))
                    .expectStatus().isOk().expectBody().jsonPath("$.step").isEqualTo("confirmation-email");
            assertThat(accounts.findByNir(Nir.parse("1800144109043")).block().status().name()).isEqualTo("PENDING");
            // The sender tries, fails, and keeps the mail for later.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(attempts("panne.smtp@example.fr")).isPositive());
        } finally {
            smtp.start();
        }
        clock.advance(java.time.Duration.ofMinutes(11));
        try {
            jakarta.mail.internet.MimeMessage mail = fr.ameli.idp.Mailbox.await("panne.smtp@example.fr",
                    "Votre compte ameli - Confirmation de votre adresse mail", 0);
            assertThat(fr.ameli.idp.Mailbox.find(mail, "(/inscription/activation\\?jeton=[A-Za-z0-9_-]+)")).isNotBlank();
            assertThat(fr.ameli.idp.Mailbox.messages("panne.smtp@example.fr",
                    "Votre compte ameli - Confirmation de votre adresse mail")).hasSize(1);
        } finally {
            clock.reset();
        }
    }

    private int attempts(String recipient) {
        return db.sql("select coalesce(max(attempts), 0) from mail_outbox where recipient = :r").bind("r", recipient)
                .map(r -> r.get(0, Integer.class)).one().block();
    }

    private String atContact(String name, String nir) {
        String id = start();
        post(id, "identite", Map.of("nom", name, "nir", nir, "dateNaissance", "01/01/1980", "codePostal", "44000"))
                .expectStatus().isOk();
        post(id, "verification", Map.of("iban7", "3024474", "carteVitale11", "80014410900")).expectStatus().isOk();
        post(id, "cgu", Map.of("decision", "accepter")).expectStatus().isOk();
        post(id, "mot-de-passe", Map.of("motDePasse", "Concurrent+Ok9", "confirmation", "Concurrent+Ok9")).expectStatus().isOk();
        return id;
    }
}
