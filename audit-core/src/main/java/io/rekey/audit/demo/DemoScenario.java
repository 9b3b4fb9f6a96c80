package io.rekey.audit.demo;

import io.rekey.schema.AccessAction;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.AccessResult;
import io.rekey.schema.Category;
import io.rekey.schema.Criticality;
import io.rekey.schema.RotationPolicy;
import io.rekey.schema.RotationStrategy;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.SecretType;
import io.rekey.schema.TargetKind;
import io.rekey.schema.TargetRef;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * A small organisation's access traffic, as events: three services reading their few secrets around the clock from
 * the internal network, two people reading theirs, and carol, whose history says she works office hours from the
 * office, going rogue: she lists secrets, harvests dozens she never touched, keeps guessing at one she cannot read,
 * shows up from abroad through anonymising addresses, touches a honeytoken and grants herself access to payroll.
 * One burst of hers trips every detector; everyone else trips none (a test holds the scenario to both).
 *
 * <p>Pure: a seeded random source and the times given, no clock, no Kafka.
 */
public final class DemoScenario {

    /** The honeytoken the demo registers. */
    public static final String HONEYTOKEN = "demo/honeytoken/aws-root-key";
    public static final String ROGUE = "carol@example.com";
    /** Hours either side of the burst's hour that carol's history leaves empty, so the burst is off her hours. */
    static final int ROGUE_QUIET_HOURS = 4;

    private record Actor(String id, List<String> secrets, List<String> ips, String country, boolean human) {
    }

    private static final List<Actor> SERVICES = List.of(
            new Actor("svc-orders", List.of("db/orders", "api/payments-key", "kafka/orders-client"),
                    List.of("10.20.1.11", "10.20.1.12"), "GB", false),
            new Actor("svc-billing", List.of("db/billing", "api/stripe-key"), List.of("10.20.2.21", "10.20.2.22"), "IE", false),
            new Actor("svc-reports", List.of("db/orders-replica", "db/billing-replica", "s3/reports-key"),
                    List.of("10.20.3.31"), "DE", false));
    private static final List<Actor> PEOPLE = List.of(
            new Actor("alice@example.com", List.of("db/orders", "jwt/signing-key"), List.of("192.168.10.23"), "GB", true),
            new Actor("bob@example.com", List.of("db/billing", "api/stripe-key"), List.of("192.168.20.41"), "DE", true));
    private static final Actor CAROL = new Actor(ROGUE, List.of("db/analytics", "api/maps-key"), List.of("192.168.10.57"), "GB", true);

    private final Random random;

    public DemoScenario(long seed) {
        this.random = new Random(seed);
    }

    /** {@code count} events of ordinary traffic at {@code now}: mostly services, some people, carol not at all. */
    public List<AccessEvent> normal(Instant now, int count) {
        List<AccessEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Actor actor = random.nextInt(100) < 85 ? pick(SERVICES) : pick(PEOPLE);
            events.add(ordinary(actor, now.plusMillis(i)));
        }
        return events;
    }

    /**
     * History before {@code now}, oldest first: services around the clock, alice and bob (on call) at any hour, carol on
     * weekday office hours away from the current hour. Gives the learned baselines (hours, countries, pairs)
     * something to differ from.
     */
    public List<AccessEvent> backfill(Instant now, int days) {
        List<AccessEvent> events = new ArrayList<>();
        Instant start = now.minus(Duration.ofDays(days));
        int hourNow = hourOfDay(now);
        for (Instant hour = start; hour.isBefore(now.minus(Duration.ofHours(1))); hour = hour.plus(Duration.ofHours(1))) {
            for (Actor service : SERVICES) {
                events.add(ordinary(service, hour.plusSeconds(random.nextInt(3600))));
            }
            for (Actor person : PEOPLE) {
                // On call in shifts: every hour of the week is a usual one for them.
                events.add(ordinary(person, hour.plusSeconds(random.nextInt(3600))));
            }
            int distance = Math.abs(hourOfDay(hour) - hourNow);
            boolean weekday = Math.floorMod(Math.floorDiv(hour.getEpochSecond(), 86_400) + 3, 7) < 5;
            if (weekday && Math.min(distance, 24 - distance) > ROGUE_QUIET_HOURS) {
                events.add(ordinary(CAROL, hour.plusSeconds(random.nextInt(3600))));
            }
        }
        events.sort(Comparator.comparing(AccessEvent::getOccurredAt));
        return events;
    }

    /** One rogue burst by carol, starting at {@code now}, 20 ms apart. */
    public List<AccessEvent> rogueBurst(Instant now) {
        List<AccessEvent> burst = new ArrayList<>();
        String office = CAROL.ips().get(0);
        burst.add(event(CAROL.id(), null, AccessAction.LIST, AccessResult.SUCCESS, office, "GB", null));
        for (int i = 0; i < 24; i++) {
            burst.add(event(CAROL.id(), String.format("prod/secret-%02d", i), AccessAction.READ, AccessResult.SUCCESS, office, "GB", null));
        }
        for (int i = 0; i < 6; i++) {
            burst.add(event(CAROL.id(), "prod/root-db", AccessAction.READ, AccessResult.DENIED, office, "GB", null));
        }
        burst.add(event(CAROL.id(), "db/analytics", AccessAction.READ, AccessResult.SUCCESS, "185.220.101.7", "RU", null));
        burst.add(event(CAROL.id(), "db/analytics", AccessAction.READ, AccessResult.SUCCESS, "203.0.113.50", "NL", null));
        burst.add(event(CAROL.id(), HONEYTOKEN, AccessAction.READ, AccessResult.SUCCESS, office, "GB", null));
        burst.add(event(CAROL.id(), "db/payroll", AccessAction.GRANT, AccessResult.SUCCESS, office, "GB", CAROL.id()));
        burst.add(event(CAROL.id(), "db/payroll", AccessAction.READ, AccessResult.SUCCESS, office, "GB", null));
        for (int i = 0; i < burst.size(); i++) {
            burst.get(i).setOccurredAt(now.plusMillis(20L * i));
        }
        return burst;
    }

    /** The registry entry that makes {@link #HONEYTOKEN} one. */
    public static SecretDescriptor honeytoken(Instant now) {
        return SecretDescriptor.newBuilder()
                .setId(UUID.randomUUID().toString()).setOccurredAt(now).setSecretId(HONEYTOKEN)
                .setType(SecretType.CLOUD_CREDENTIAL).setOwner("secops")
                .setDescription("Decoy credential: it opens nothing, and any access to it is an alarm.")
                .setStorePath(HONEYTOKEN).setTarget(TargetRef.newBuilder().setKind(TargetKind.NONE).setParams(Map.of()).build())
                .setStrategy(RotationStrategy.GRACE_PERIOD).setRotationPolicy(RotationPolicy.newBuilder().build())
                .setCriticality(Criticality.CRITICAL).setCategory(Category.INFRASTRUCTURE)
                .setTags(List.of("honeytoken")).setCreatedAt(now).setUpdatedBy("rekey-demo")
                .build();
    }

    private AccessEvent ordinary(Actor actor, Instant at) {
        String secret = pick(actor.secrets());
        AccessAction action = AccessAction.READ;
        AccessResult outcome = AccessResult.SUCCESS;
        if (actor.human()) {
            int roll = random.nextInt(1000);
            if (roll < 2) {
                outcome = AccessResult.FAILURE;
            } else if (roll < 40) {
                action = AccessAction.LIST;
                secret = null;
            }
        }
        AccessEvent event = event(actor.id(), secret, action, outcome, pick(actor.ips()), actor.country(), null);
        event.setOccurredAt(at);
        return event;
    }

    private AccessEvent event(String principal, String secret, AccessAction action, AccessResult outcome, String ip,
                              String country, String target) {
        return AccessEvent.newBuilder()
                .setId(new UUID(random.nextLong(), random.nextLong()).toString()).setOccurredAt(Instant.EPOCH)
                .setPrincipalId(principal).setSecretId(secret).setAction(action).setOutcome(outcome)
                .setSourceIp(ip).setCountry(country)
                .setUserAgent(principal.startsWith("svc-") ? "vault-agent/1.17" : "vault-cli/1.17")
                .setSessionId(null).setTargetPrincipalId(target).setDetails(Map.of("source", "rekey-demo"))
                .build();
    }

    private <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    private static int hourOfDay(Instant t) {
        return Math.floorMod(Math.floorDiv(t.getEpochSecond(), 3600), 24);
    }
}
