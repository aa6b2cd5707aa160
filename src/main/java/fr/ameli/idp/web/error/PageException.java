package fr.ameli.idp.web.error;

import org.springframework.http.HttpStatus;

/**
 * A failure shown to a person as a French page: {@code messageKey} names the text in
 * {@code messages.properties} (for example {@code erreur.redirect_uri}). Never sent to a client.
 */
public final class PageException extends IdpException {

    private final String messageKey;
    private final HttpStatus status;

    public PageException(String messageKey, HttpStatus status) {
        super(messageKey, null);
        this.messageKey = messageKey;
        this.status = status;
    }

    public String messageKey() {
        return messageKey;
    }

    public HttpStatus status() {
        return status;
    }
}
