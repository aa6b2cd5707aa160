/**
 * The client side of a FranceConnect-like OpenID Connect provider (SPEC 3.3, FRANCECONNECT.md B):
 * « Je crée immédiatement mon compte via FranceConnect » and « S'identifier avec FranceConnect ».
 *
 * <p>Public: {@link fr.ameli.idp.federation.FederationRoutes} (redirect, callback, account-link
 * confirmation, logout callback), {@link fr.ameli.idp.federation.FederatedIdentity} (the verified
 * identity pivot) and {@link fr.ameli.idp.federation.FederationLogout} (the hook with which our logout
 * endpoints also end the session at the provider). Everything else is package-private: the settings,
 * the non-blocking HTTP client of the provider with its discovery and JWKS caches, the token checks,
 * the request store and the built-in development provider ({@code /dev/federation}, embedded default only).
 */
@NullMarked
package fr.ameli.idp.federation;

import org.jspecify.annotations.NullMarked;
