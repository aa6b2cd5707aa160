package fr.ameli.idp.web.error;

/**
 * A system we depend on failed (the federated provider, SMTP). Maps to {@code temporarily_unavailable}
 * for clients and to the « service indisponible » page for people; the cause goes to the logs only.
 */
public final class UpstreamException extends IdpException {

    public enum Upstream { FEDERATED_PROVIDER, MAIL, DATABASE }

    private final Upstream upstream;

    public UpstreamException(Upstream upstream, String message, Throwable cause) {
        super(message, cause);
        this.upstream = upstream;
    }

    public Upstream upstream() {
        return upstream;
    }
}
