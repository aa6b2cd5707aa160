package fr.ameli.idp.account;

/**
 * One broken rule of the password policy (SPEC 3.2.5), as returned by
 * {@link PasswordPolicy#check}. Each maps to a French message on the password page.
 */
public enum PasswordViolation {
    /** Fewer than {@value PasswordPolicy#MIN_LENGTH} characters. */
    TOO_SHORT,
    /** More than {@value PasswordPolicy#MAX_LENGTH} characters. */
    TOO_LONG,
    /** A character outside a–z, A–Z, 0–9 and {@value PasswordPolicy#SPECIAL_CHARACTERS}. */
    FORBIDDEN_CHARACTER,
    /** No lower-case letter a–z. */
    MISSING_LOWERCASE,
    /** No upper-case letter A–Z. */
    MISSING_UPPERCASE,
    /** Neither a digit nor one of the special characters. */
    MISSING_DIGIT_OR_SPECIAL,
    /** Contains the NIR or a part of it (see {@link PasswordPolicy}). */
    CONTAINS_NIR,
    /** Contains the birth date or a part of it (see {@link PasswordPolicy}). */
    CONTAINS_BIRTH_DATE,
    /** The second entry differs from the first. */
    CONFIRMATION_MISMATCH
}
