package fr.ameli.idp.mail;

import static fr.ameli.idp.mail.MailTestSupport.await;
import static fr.ameli.idp.mail.MailTestSupport.messagesTo;
import static fr.ameli.idp.mail.MailTestSupport.newRecipient;
import static fr.ameli.idp.mail.MailTestSupport.row;
import static fr.ameli.idp.mail.MailTestSupport.rows;
import static fr.ameli.idp.mail.MailTestSupport.sent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import fr.ameli.idp.IdpIntegrationTest;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

@IdpIntegrationTest
class MailOutboxTests {

    static final Duration DELIVERY = Duration.ofSeconds(20);

    @Autowired
    MailOutbox outbox;

    @Autowired
    MailTemplates templates;

    @Autowired
    DatabaseClient db;

    @Autowired
    TransactionalOperator tx;

    @Test
    void enqueueWhenSmtpUpThenDeliveredWithSubjectSenderNameAndBothPartsInUtf8() throws Exception {
        String recipient = newRecipient("securite");
        outbox.enqueue(templates.render(MailTemplates.SECURITY_CODE, recipient,
                Map.of("code", "482913", "validityMinutes", 10))).block();

        await(DELIVERY, () -> sent(db, recipient));

        List<MimeMessage> received = messagesTo(recipient);
        assertThat(received).hasSize(1);
        MimeMessage message = received.get(0);
        assertThat(message.getSubject()).isEqualTo("Votre code de sécurité ameli");
        InternetAddress from = (InternetAddress) message.getFrom()[0];
        assertThat(from.getPersonal()).isEqualTo("Votre Assurance Maladie");
        assertThat(from.getAddress()).isEqualTo("ne-pas-repondre@assurance-maladie.example");
        assertThat(message.getHeader("Auto-Submitted")).containsExactly("auto-generated");
        assertThat(message.getMessageID()).isEqualTo("<" + row(db, recipient).id() + "@assurance-maladie.example>");
        assertThat(message.isMimeType("multipart/alternative")).isTrue();
        Multipart parts = (Multipart) message.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        BodyPart text = parts.getBodyPart(0);
        BodyPart html = parts.getBodyPart(1);
        assertThat(text.getContentType()).containsIgnoringCase("text/plain").containsIgnoringCase("charset=UTF-8");
        assertThat(html.getContentType()).containsIgnoringCase("text/html").containsIgnoringCase("charset=UTF-8");
        assertThat((String) text.getContent())
                .contains("Voici votre code de sécurité pour vous connecter à votre compte ameli")
                .contains("482913")
                .contains("Si vous n'êtes pas à l'origine de cette demande");
        assertThat((String) html.getContent()).contains("482913").contains("Ce code est valable");
    }

    @Test
    void enqueueWhenSentThenBodiesClearedAndRowKept() {
        String recipient = newRecipient("efface");
        outbox.enqueue(templates.render(MailTemplates.SECURITY_CODE, recipient,
                Map.of("code", "111222", "validityMinutes", 10))).block();

        await(DELIVERY, () -> sent(db, recipient));

        MailTestSupport.OutboxRow row = row(db, recipient);
        assertThat(row.textBody()).isNull();
        assertThat(row.lockedUntil()).isNull();
        assertThat(row.attempts()).isZero();
    }

    @Test
    void enqueueWhenSurroundingTransactionRollsBackThenNoRowAndNothingSent() {
        String rolledBack = newRecipient("annule");
        AtomicLong seenInsideTransaction = new AtomicLong(-1);
        Mono<Void> work = outbox.enqueue(templates.render(MailTemplates.SECURITY_CODE, rolledBack,
                        Map.of("code", "999999", "validityMinutes", 10)))
                .then(db.sql("select count(*) as n from mail_outbox where recipient = :r").bind("r", rolledBack)
                        .map(r -> r.get("n", Long.class)).one())
                .doOnNext(seenInsideTransaction::set)
                .then(Mono.error(new IllegalStateException("state change failed")));

        assertThatIllegalStateException().isThrownBy(() -> work.as(tx::transactional).block());

        assertThat(seenInsideTransaction).hasValue(1);
        assertThat(rows(db, rolledBack)).isEmpty();
        // A mail queued afterwards is delivered: the sender has polled since, and sent nothing for the other.
        String after = newRecipient("apres");
        outbox.enqueue(templates.render(MailTemplates.SECURITY_CODE, after,
                Map.of("code", "123123", "validityMinutes", 10))).block();
        await(DELIVERY, () -> sent(db, after));
        assertThat(messagesTo(rolledBack)).isEmpty();
    }

    @Test
    void enqueueWhenSurroundingTransactionCommitsThenMailSentOnce() {
        String recipient = newRecipient("valide");
        Mono<Void> work = db.sql("select 1").fetch().rowsUpdated()
                .then(outbox.enqueue(templates.render(MailTemplates.EMAIL_CHANGED, recipient, Map.of())));

        work.as(tx::transactional).block();

        await(DELIVERY, () -> sent(db, recipient));
        assertThat(messagesTo(recipient)).hasSize(1);
    }
}
