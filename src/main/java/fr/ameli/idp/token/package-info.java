/**
 * Token signing: the OP's ES256 and RS256 keys ({@link fr.ameli.idp.token.SigningKeys}: generated,
 * encrypted in PostgreSQL, rotated, published as the JWKS) and the signing and verification of JWTs
 * with them ({@link fr.ameli.idp.token.TokenIssuer}). Keys live in memory: nothing here touches the
 * database per request.
 */
@NullMarked
package fr.ameli.idp.token;

import org.jspecify.annotations.NullMarked;
