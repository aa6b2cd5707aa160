package fr.ameli.idp.registry;

/**
 * A string that is not a valid French IBAN. The message names only the {@link Reason}, never
 * the input: bank details are sensitive and must not reach the logs (SPEC 5).
 */
public final class InvalidIbanException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Why the input was refused, so that the caller can choose the French message. */
    public enum Reason {
        /** Nothing typed (null, empty or only whitespace). */
        EMPTY,
        /** Not a French IBAN: it does not start with {@code FR}. */
        COUNTRY,
        /** Not 27 characters once spaces are removed. */
        LENGTH,
        /**
         * A character that is not allowed where it stands: anything but letters and digits, or a
         * letter in the check digits, the bank code, the branch code or the RIB key.
         */
        CHARACTERS,
        /** The ISO 13616 check digits (mod 97) do not match. */
        CHECKSUM,
        /** The French RIB key (last 2 digits) does not match bank, branch and account number. */
        RIB_KEY
    }

    private final Reason reason;

    public InvalidIbanException(Reason reason) {
        super("Invalid IBAN: " + reason);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
