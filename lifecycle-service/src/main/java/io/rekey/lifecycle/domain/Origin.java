package io.rekey.lifecycle.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * Who asks for a lifecycle change, when, and why.
 *
 * @param actor      principal, service or scheduler; recorded on every event
 * @param at         when the change happens
 * @param reason     why, for people; may be null
 * @param incidentId incident the change belongs to; may be null
 */
public record Origin(String actor, Instant at, String reason, String incidentId) {

    public Origin {
        Objects.requireNonNull(actor, "actor must not be null");
        Objects.requireNonNull(at, "at must not be null");
    }

    public static Origin of(String actor, Instant at) {
        return new Origin(actor, at, null, null);
    }
}
