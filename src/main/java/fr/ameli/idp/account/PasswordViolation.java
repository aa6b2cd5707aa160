package fr.ameli.idp.account;

/**
 * One broken rule of the password policy (SPEC 3.2.5), as returned by
 * {@link PasswordPolicy#check}. Each has its own French message
 * ({@link #messageKey()}) on the password pages.
 */
public enum PasswordViolation {
    /** Fewer than {@value PasswordPolicy#MIN_LENGTH} characters. */
    TOO_SHORT("mdp.too_short"),
    /** More than {@value PasswordPolicy#MAX_LENGTH} characters. */
    TOO_LONG("mdp.too_long"),
    /** A character outside a–z, A–Z, 0–9 and {@value PasswordPolicy#SPECIAL_CHARACTERS}. */
    FORBIDDEN_CHARACTER("mdp.forbidden_character"),
    /** No lower-case letter a–z. */
    MISSING_LOWERCASE("mdp.missing_lowercase"),
    /** No upper-case letter A–Z. */
    MISSING_UPPERCASE("mdp.missing_uppercase"),
    /** Neither a digit nor one of the special characters. */
    MISSING_DIGIT_OR_SPECIAL("mdp.missing_digit_or_special"),
    /** Contains the NIR or a part of it (see {@link PasswordPolicy}). */
    CONTAINS_NIR("mdp.contains_nir"),
    /** Contains the birth date or a part of it (see {@link PasswordPolicy}). */
    CONTAINS_BIRTH_DATE("mdp.contains_birth_date"),
    /** The second entry differs from the first. */
    CONFIRMATION_MISMATCH("mdp.confirmation_mismatch");

    private final String messageKey;

    PasswordViolation(String messageKey) {
        this.messageKey = messageKey;
    }

    /** The French text of the rule, in {@code messages.properties}. */
    public String messageKey() {
        return messageKey;
    }
}
