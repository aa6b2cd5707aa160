#!/usr/bin/env bash
# Regenerates the French voice clips of the audio captcha (src/main/resources/captcha/fr/<character>.wav):
# one clip per character of CaptchaChallenges.ALPHABET, spoken by espeak-ng's French voice, converted to the
# format NanoCaptcha mixes (16 kHz, 16-bit signed, mono PCM), leading and trailing silence trimmed.
# The JDK cannot synthesise speech, so the clips are recorded once with this script and committed; run it
# again only to change the voice or the alphabet.  Needs: apt-get install espeak-ng sox
set -euo pipefail
out="$(dirname "$0")/../main/resources/captcha/fr"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for c in 2 3 4 5 6 7 8 9 A C F H K M R W X Z; do
  espeak-ng -v fr -s 130 -w "$tmp/$c.wav" "$c"
  sox "$tmp/$c.wav" -r 16000 -b 16 -c 1 -e signed-integer "$out/$c.wav" \
      silence 1 0.01 0.5% reverse silence 1 0.01 0.5% reverse pad 0.05 0.15
done
