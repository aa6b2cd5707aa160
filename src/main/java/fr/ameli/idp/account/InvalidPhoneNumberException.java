package fr.ameli.idp.account;

/**
 * A string that is not an acceptable French phone number. The message names only the
 * {@link Reason}, never the number: it is personal data.
 */
public final class InvalidPhoneNumberException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Why the input was refused, so that the caller can choose the French message. */
    public enum Reason {
        /** Nothing typed (null, empty or only whitespace). */
        EMPTY,
        /** Not a French number in one of the accepted forms. */
        FORMAT,
        /** A valid number typed in the mobile field, but not a mobile (06, 07) number. */
        NOT_MOBILE,
        /** A valid number typed in the landline field, but not a 01–05 or 09 number. */
        NOT_LANDLINE
    }

    private final Reason reason;

    public InvalidPhoneNumberException(Reason reason) {
        super("Invalid phone number: " + reason);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
