/**
 * « Mes informations » (SPEC 3.6): what a logged-in person sees and changes of their own account — identity
 * (read-only, from the registry), email (effective once the new address is confirmed by link; the old address
 * is told), phones, consents, and the personal code (the current one required).
 */
@NullMarked
package fr.ameli.idp.selfservice;

import org.jspecify.annotations.NullMarked;
