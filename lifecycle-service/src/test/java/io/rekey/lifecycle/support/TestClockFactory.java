package io.rekey.lifecycle.support;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.rekey.testkit.MutableClock;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;

/** With {@code rekey.test.clock-start} set, the service runs on a {@link MutableClock} the test moves. */
@Factory
@Requires(property = "rekey.test.clock-start")
public class TestClockFactory {

    @Singleton
    @Replaces(Clock.class)
    MutableClock clock(@Value("${rekey.test.clock-start}") String start) {
        return new MutableClock(Instant.parse(start));
    }
}
