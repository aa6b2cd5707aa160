package fr.ameli.idp.web.error;

/**
 * Every failure this service shows to a caller. The sealed hierarchy lets {@link ErrorRenderer} pick
 * the channel (JSON, redirect to the client, French page) with an exhaustive switch.
 */
public sealed abstract class IdpException extends RuntimeException
        permits OAuthException, PageException, UpstreamException {

    protected IdpException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
