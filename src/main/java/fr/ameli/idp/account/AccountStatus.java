package fr.ameli.idp.account;

/** PENDING until the email confirmation link is followed (SPEC 3.2.7); only ACTIVE accounts log in. */
public enum AccountStatus {
    PENDING, ACTIVE, LOCKED
}
