package fr.ameli.idp.mail;

import java.util.Map;
import org.springframework.stereotype.Component;

/** Interim stub, replaced by the outbox implementation. */
@Component
public class MailTemplates {
    public Mail render(String kind, String recipient, String subject, Map<String, Object> model) {
        return new Mail(recipient, subject, String.valueOf(model), String.valueOf(model), kind);
    }
}
