package fr.ameli.idp.mail;

/** Interim stub, replaced by the outbox implementation. */
public record Mail(String recipient, String subject, String textBody, String htmlBody, String kind) {
    @Override
    public String toString() {
        return "Mail[" + kind + "]";
    }
}
