/**
 * Mail through a transactional outbox (SPEC 5): {@link fr.ameli.idp.mail.MailTemplates} renders the French
 * mails, {@link fr.ameli.idp.mail.MailOutbox} writes them in the caller's transaction, and a background
 * sender delivers them over SMTP with retries, so that an SMTP outage delays mail and never loses it.
 * With the embedded SMTP server, {@code /dev/mailbox} shows what it received.
 */
@NullMarked
package fr.ameli.idp.mail;

import org.jspecify.annotations.NullMarked;
