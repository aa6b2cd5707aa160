/**
 * Request counters shared by every instance (PostgreSQL), for actions that send mail or can be abused:
 * fixed windows, counted with one atomic upsert. Keys are HMACs: no NIR or client address is stored.
 */
@NullMarked
package fr.ameli.idp.ratelimit;

import org.jspecify.annotations.NullMarked;
