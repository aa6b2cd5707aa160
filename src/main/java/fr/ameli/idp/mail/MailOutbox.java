package fr.ameli.idp.mail;

import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Interim stub, replaced by the outbox implementation. */
@Component
public class MailOutbox {
    public Mono<Void> enqueue(Mail mail) {
        return Mono.empty();
    }
}
