/**
 * The captcha of the forgotten-code form (SPEC 3.5, seed 001): characters to copy from an image drawn by the
 * server, an audio alternative spoken in French, a refresh; one challenge lives 5 minutes and is used once.
 * Images and sounds come from NanoCaptcha; the French voice clips are ours (see {@code src/tools/captcha-voice.sh}).
 */
@NullMarked
package fr.ameli.idp.captcha;

import org.jspecify.annotations.NullMarked;
