package fr.ameli.idp.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import fr.ameli.idp.platform.IdpProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MailTemplatesTests {

    static final String ISSUER = "https://assure.ameli.example";

    final MailTemplates templates = new MailTemplates(new IdpProperties(ISSUER, null, null));

    @Test
    void renderWhenProvisionalCodeThenSeedTextWithTheCodeAndNoNir() {
        // Even handed a NIR, the template does not show it (seed 003: the code alone; issue 10, item 7).
        Mail mail = templates.render(MailTemplates.PROVISIONAL_CODE, "marie@example.org",
                Map.of("nir13", "2850575112034", "code", "4821", "validityMinutes", 30));

        assertThat(mail.subject()).isEqualTo("Votre code provisoire ameli");
        assertThat(mail.textBody())
                .startsWith("Cher(e) assuré(e),")
                .contains("Nous vous adressons votre nouveau code confidentiel provisoire pour vous connecter à votre compte ameli")
                .contains("Saisissez votre numéro de sécurité sociale (les 13 premiers chiffres) et le code provisoire")
                .doesNotContain("2850575112034")
                .contains("4821")
                .contains("valable 30 minutes")
                .contains("Ce code est strictement personnel et ne doit jamais être communiqué.")
                .contains("Nous ne vous demandons jamais de code par téléphone.")
                .contains("Si vous n'êtes pas à l'origine de cette demande, veuillez en informer rapidement votre caisse")
                .contains(ISSUER + "/login")
                .contains("Votre Caisse d'Assurance Maladie");
        assertThat(mail.htmlBody())
                .contains("4821", "Ce code est strictement personnel et ne doit jamais être communiqué.")
                .contains("href=\"" + ISSUER + "/login\"")
                .doesNotContain("2850575112034");
    }

    @Test
    void renderWhenEmailConfirmationThenLinkValidityAndSignatureInBothParts() {
        String link = templates.link("/inscription/activation?jeton=abc");

        Mail mail = templates.render(MailTemplates.EMAIL_CONFIRMATION, "marie@example.org",
                Map.of("givenName", "Marie", "link", link, "validityDays", 21L));

        assertThat(mail.subject()).isEqualTo("Votre compte ameli - Confirmation de votre adresse mail");
        assertThat(mail.kind()).isEqualTo("EMAIL_CONFIRMATION");
        assertThat(mail.textBody())
                .startsWith("Bonjour Marie,")
                .contains("Pour activer votre compte ameli, cliquez sur le lien ci-dessous")
                .contains(ISSUER + "/inscription/activation?jeton=abc")
                .contains("valable 21 jours")
                .contains("Si vous n'êtes pas à l'origine de cette demande, ignorez ce message")
                .endsWith("Votre Assurance Maladie\n");
        assertThat(mail.htmlBody())
                .contains("href=\"" + ISSUER + "/inscription/activation?jeton=abc\"")
                .contains("21", "ignorez ce message", "Votre Assurance Maladie");
    }

    @Test
    void renderWhenGivenNameAbsentThenPlainGreeting() {
        Mail mail = templates.render(MailTemplates.EMAIL_CONFIRMATION, "marie@example.org",
                Map.of("link", templates.link("/x"), "validityDays", 7));

        assertThat(mail.textBody()).startsWith("Bonjour,");
        assertThat(mail.htmlBody()).contains("<p>Bonjour,</p>");
    }

    @Test
    void renderWhenModelHoldsMarkupThenHtmlEscapesIt() {
        Mail mail = templates.render(MailTemplates.EMAIL_CONFIRMATION, "marie@example.org",
                Map.of("givenName", "<script>alert(1)</script>", "link", templates.link("/x"), "validityDays", 21));

        assertThat(mail.htmlBody()).doesNotContain("<script>").contains("&lt;script&gt;");
    }

    @Test
    void renderWhenSecurityCodeThenStandardSubjectAndCode() {
        Mail mail = templates.render(MailTemplates.SECURITY_CODE, "marie@example.org",
                Map.of("code", "482913", "validityMinutes", 10));

        assertThat(mail.subject()).isEqualTo("Votre code de sécurité ameli");
        assertThat(mail.textBody()).contains("482913", "valable 10 minutes", "Votre Assurance Maladie");
        assertThat(mail.htmlBody()).contains("482913");
    }

    @Test
    void renderWhenEmailChangedThenNoLinkAndMaskedAddress() {
        Mail mail = templates.render(MailTemplates.EMAIL_CHANGED, "ancienne@example.org",
                Map.of("maskedEmail", "n****@example.org"));

        assertThat(mail.subject()).isEqualTo("Votre compte ameli - Modification de votre adresse mail");
        assertThat(mail.textBody())
                .contains("L'adresse mail de votre compte ameli vient d'être modifiée", "n****@example.org", "3646")
                .doesNotContain("http");
        assertThat(mail.htmlBody()).doesNotContain("href");
    }

    @Test
    void renderWhenLinkOutsideThePublicBaseUrlThenRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> templates.render(MailTemplates.EMAIL_CONFIRMATION,
                "marie@example.org", Map.of("link", "https://ailleurs.example/activation", "validityDays", 21)));
    }

    @Test
    void renderWhenRequiredValueMissingThenRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> templates.render(MailTemplates.PROVISIONAL_CODE,
                "marie@example.org", Map.of("validityMinutes", 30)));
    }

    @ParameterizedTest
    @CsvSource({
            "SECURITY_CODE_BLOCKED, Votre compte ameli - Connexion depuis un nouvel appareil suspendue, depuis un nouvel appareil est suspendue pendant 24 heures",
            "PROVISIONAL_CODE_BLOCKED, Votre compte ameli - Code provisoire bloqué, sont bloqués pendant 24 heures"})
    void renderWhenLockoutNoticeThenDurationAnd3646AndNoLinkNorCode(String kind, String subject, String sentence) {
        Mail mail = templates.render(kind, "marie@example.org", Map.of("lockoutHours", 24));
        assertThat(mail.subject()).isEqualTo(subject);
        for (String body : new String[] {mail.textBody(), mail.htmlBody()}) {
            assertThat(body).contains(sentence).contains("3646").contains("Si vous n'êtes pas à l'origine de ces tentatives")
                    .doesNotContain("href");
        }
        // No link, no code, no NIR (no number of 4 digits or more but the 3646): nothing in it grants access.
        assertThat(mail.textBody()).doesNotContain("http").doesNotContainPattern("\\b(?!3646\\b)[0-9]{4,}");
    }

    @Test
    void renderWhenUnknownKindThenRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> templates.render("NEWSLETTER", "marie@example.org", Map.of()));
    }

    @Test
    void linkWhenIssuerHasTrailingSlashThenSingleSlash() {
        MailTemplates withSlash = new MailTemplates(new IdpProperties(ISSUER + "/", null, null));

        assertThat(withSlash.link("/login")).isEqualTo(ISSUER + "/login");
    }
}
