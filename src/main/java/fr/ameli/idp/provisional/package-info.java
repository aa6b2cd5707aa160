/**
 * Provisional codes (SPEC 3.4, 3.5; seeds 000, 001, 003): 4- or 8-digit codes given at a CPAM counter (operator
 * API) or sent by mail after « Code oublié ? », stored as Argon2id hashes, short-lived, tried a few times at
 * most, used once. The login form accepts them in the password field ({@code fr.ameli.idp.login}).
 */
@NullMarked
package fr.ameli.idp.provisional;

import org.jspecify.annotations.NullMarked;
