package io.rekey.audit.detect;

import io.rekey.schema.AnomalyType;

import java.time.Duration;
import java.util.List;

/** Findings of the counting detectors, built from the entries of one {@link Recent} list inside a window. */
final class Windows {

    /** Most secret ids or addresses listed in one finding. */
    static final int MAX_LISTED = 100;

    /** What the keys of the counted entries are. */
    enum Keys { SECRETS, SOURCE_IPS }

    private Windows() {
    }

    static Finding finding(AnomalyType type, String rule, String description, Recent entries, long from, long to,
                           int count, int threshold, Observation o, int evidenceLimit, Keys keys) {
        List<String> listed = entries.keysIn(from, to, MAX_LISTED);
        List<String> secrets = keys == Keys.SECRETS ? listed : o.secretId == null ? List.of() : List.of(o.secretId);
        List<String> ips = keys == Keys.SOURCE_IPS ? listed : o.sourceIp == null ? List.of() : List.of(o.sourceIp);
        return new Finding(type, "", rule, description, count, threshold, 0, secrets,
                entries.eventIdsIn(from, to, evidenceLimit), from, to, ips, o.country == null ? List.of() : List.of(o.country));
    }

    /** A duration for people: 10 minutes, 15 days, 90 seconds. */
    static String human(Duration d) {
        long seconds = d.getSeconds();
        if (seconds % 86_400 == 0 && seconds > 0) {
            return plural(seconds / 86_400, "day");
        }
        if (seconds % 3600 == 0 && seconds > 0) {
            return plural(seconds / 3600, "hour");
        }
        if (seconds % 60 == 0 && seconds > 0) {
            return plural(seconds / 60, "minute");
        }
        return d.toMillis() % 1000 == 0 ? plural(seconds, "second") : plural(d.toMillis(), "millisecond");
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
