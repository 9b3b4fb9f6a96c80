package io.rekey.lifecycle.app;

import java.util.Objects;

/**
 * Who calls the API: the verified token subject and where the call came from (for the access log).
 *
 * @param subject   token subject
 * @param sourceIp  client address, if known
 * @param userAgent client software, if known (truncated)
 */
public record Caller(String subject, String sourceIp, String userAgent) {

    public Caller {
        Objects.requireNonNull(subject, "subject must not be null");
    }
}
