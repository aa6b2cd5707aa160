package fr.ameli.idp.account;

/**
 * The indicative strength shown under the password field (SPEC 3.2.5: "faible / moyen /
 * élevé"). The scoring is defined in {@link PasswordPolicy#strength}.
 */
public enum PasswordStrength {
    /** « faible ». */
    FAIBLE,
    /** « moyen ». */
    MOYEN,
    /** « élevé ». */
    ELEVE
}
