package fr.ameli.idp.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MailTests {

    @Test
    void toStringWhenPrintedThenHidesRecipientAndBodies() {
        Mail mail = new Mail("marie.dupont@example.org", "Votre code de sécurité ameli", "Votre code : 482913",
                "<p>Votre code : 482913</p>", "SECURITY_CODE");

        assertThat(mail.toString())
                .contains("SECURITY_CODE")
                .doesNotContain("marie.dupont", "example.org", "482913");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pas-une-adresse", "marie@example.org, paul@example.org", "Marie <marie@example.org>",
            "marie@example.org\r\nBcc: x@example.org", " "})
    void constructorWhenRecipientNotOneAddressThenRejectedWithoutQuotingIt(String recipient) {
        Throwable thrown = catchThrowable(() -> new Mail(recipient, "Objet", "texte", "<p>texte</p>", "SECURITY_CODE"));

        assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasNoCause();
        assertThat(thrown.getMessage()).doesNotContain("example.org");
    }

    @Test
    void constructorWhenSubjectHasLineBreakThenRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Mail("marie@example.org", "Objet\r\nBcc: x@example.org", "t", "h", "SECURITY_CODE"));
    }
}
