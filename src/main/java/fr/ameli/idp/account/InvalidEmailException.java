package fr.ameli.idp.account;

/**
 * A string that is not an acceptable email address. The message names only the {@link Reason},
 * never the address: it is personal data.
 */
public final class InvalidEmailException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Why the input was refused, so that the caller can choose the French message. */
    public enum Reason {
        /** Nothing typed (null, empty or only whitespace). */
        EMPTY,
        /** Not one {@code @} between two parts, or white space inside. */
        FORMAT,
        /** The part before {@code @} is empty, longer than 64 or has a forbidden character. */
        LOCAL_PART,
        /** The part after {@code @} is not a domain name with a dot. */
        DOMAIN,
        /** Longer than 254 characters. */
        TOO_LONG
    }

    private final Reason reason;

    public InvalidEmailException(Reason reason) {
        super("Invalid email address: " + reason);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
