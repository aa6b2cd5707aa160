package fr.ameli.idp.web.error;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The body of an OAuth error (RFC 6749 §5.2, RFC 7591 §3.2.2), written by the Jackson codecs. */
public record OAuthErrorBody(String error, @JsonProperty("error_description") String errorDescription) {
}
