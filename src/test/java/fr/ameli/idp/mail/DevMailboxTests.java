package fr.ameli.idp.mail;

import static fr.ameli.idp.mail.MailTestSupport.await;
import static fr.ameli.idp.mail.MailTestSupport.indexOf;
import static fr.ameli.idp.mail.MailTestSupport.newRecipient;
import static fr.ameli.idp.mail.MailTestSupport.sent;
import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.platform.IdpProperties;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

@IdpIntegrationTest
class DevMailboxTests {

    @LocalServerPort
    int port;

    @Autowired
    MailOutbox outbox;

    @Autowired
    MailTemplates templates;

    @Autowired
    DatabaseClient db;

    WebTestClient http;

    @BeforeEach
    void client() {
        http = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
    }

    @Test
    void mailboxWhenMailReceivedThenListsItNewestFirstWithClickableLink() {
        String recipient = newRecipient("boite");
        String link = templates.link("/inscription/activation?jeton=lien-de-test");
        outbox.enqueue(templates.render(MailTemplates.EMAIL_CONFIRMATION, recipient,
                Map.of("givenName", "Zoé", "link", link, "validityDays", 21))).block();
        await(Duration.ofSeconds(20), () -> sent(db, recipient));

        String page = http.get().uri("/dev/mailbox").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("text/html")
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(page)
                .contains("Boîte mail de développement")
                .contains("Votre compte ameli - Confirmation de votre adresse mail")
                .contains(recipient)
                .contains("Bonjour Zoé,")
                .contains("<a href=\"" + link + "\">" + link + "</a>")
                .contains("href=\"/dev/mailbox/" + indexOf(recipient) + "\"");
    }

    @Test
    void mailboxHtmlWhenShownThenMailHtmlInASandbox() {
        String recipient = newRecipient("html");
        outbox.enqueue(templates.render(MailTemplates.SECURITY_CODE, recipient,
                Map.of("code", "246810", "validityMinutes", 10))).block();
        await(Duration.ofSeconds(20), () -> sent(db, recipient));

        String html = http.get().uri("/dev/mailbox/{index}", indexOf(recipient)).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("Content-Security-Policy",
                        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:")
                .expectHeader().contentTypeCompatibleWith("text/html")
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(html).contains("246810").contains("Votre code de sécurité ameli");
    }

    @Test
    void mailboxHtmlWhenIndexUnknownThenNotFound() {
        http.get().uri("/dev/mailbox/999999").exchange().expectStatus().isNotFound();
        http.get().uri("/dev/mailbox/abc").exchange().expectStatus().isNotFound();
    }

    @Test
    void mailboxRoutesWhenNotBothEmbeddedProfileAndEmbeddedSmtpThenAbsent() {
        ApplicationContextRunner runner = new ApplicationContextRunner()
                .withUserConfiguration(DevMailboxRoutes.class)
                .withBean(IdpProperties.class, () -> new IdpProperties("http://localhost:8080", null, null));

        runner.run(context -> assertThat(context).doesNotHaveBean("devMailboxRouter"));
        runner.withPropertyValues("idp.embedded.smtp-active=false")
                .run(context -> assertThat(context).doesNotHaveBean("devMailboxRouter"));
        runner.withPropertyValues("spring.profiles.active=embedded", "idp.embedded.smtp-active=false")
                .run(context -> assertThat(context).doesNotHaveBean("devMailboxRouter"));
        runner.withPropertyValues("idp.embedded.smtp-active=true")
                .run(context -> assertThat(context).doesNotHaveBean("devMailboxRouter"));
        runner.withPropertyValues("spring.profiles.active=embedded", "idp.embedded.smtp-active=true")
                .run(context -> assertThat(context).hasBean("devMailboxRouter"));
    }

    @Test
    void segmentsWhenTextHasLinksThenLinksSplitWithoutTrailingPunctuation() {
        assertThat(DevMailboxRoutes.segments("Cliquez : https://a.example/x?j=1. Merci"))
                .containsExactly(new DevMailboxRoutes.Segment("Cliquez : ", false),
                        new DevMailboxRoutes.Segment("https://a.example/x?j=1", true),
                        new DevMailboxRoutes.Segment(". Merci", false));
    }
}
