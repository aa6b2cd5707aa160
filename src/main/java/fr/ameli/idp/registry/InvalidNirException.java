package fr.ameli.idp.registry;

/**
 * A string that is not a NIR. The message names only the {@link Reason}, never the input: a NIR
 * is personal data and must not reach the logs (SPEC 5).
 */
public final class InvalidNirException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Why the input was refused, so that the caller can choose the French message. */
    public enum Reason {
        /** Nothing typed (null, empty or only whitespace). */
        EMPTY,
        /** Neither 13 characters (without key) nor 15 (with key) once spaces are removed. */
        LENGTH,
        /**
         * A character that is not allowed where it stands: not a digit, {@code 2A}/{@code 2B}
         * elsewhere than the department, a non-digit key, or a first digit other than 1–4, 7, 8.
         */
        CHARACTERS,
        /** The 2-digit key typed does not match the 13 characters. */
        KEY_MISMATCH
    }

    private final Reason reason;

    public InvalidNirException(Reason reason) {
        super("Invalid NIR: " + reason);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
