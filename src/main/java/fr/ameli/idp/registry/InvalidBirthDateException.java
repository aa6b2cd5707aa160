package fr.ameli.idp.registry;

/**
 * A string that is not an acceptable birth date. The message names only the {@link Reason},
 * never the input: a birth date is personal data.
 */
public final class InvalidBirthDateException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Why the input was refused, so that the caller can choose the French message. */
    public enum Reason {
        /** Nothing typed (null, empty or only whitespace). */
        EMPTY,
        /** Not in the expected form ({@code YYYY-MM-DD} or {@code DD/MM/YYYY}). */
        FORMAT,
        /** In the right form but not a date: month 13, 30 February, a day without a month… */
        INVALID_DATE,
        /** After today. */
        FUTURE,
        /** Before {@value BirthDate#MIN_YEAR}: nobody that old is alive, so it is a typo. */
        TOO_OLD
    }

    private final Reason reason;

    public InvalidBirthDateException(Reason reason) {
        super("Invalid birth date: " + reason);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
