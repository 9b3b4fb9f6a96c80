package io.rekey.deploy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Prometheus names the services export for the meters their code registers. The meters are found in the main
 * sources of the services and the modules they run ({@code Counter.builder("...")}, {@code registry.counter("...")},
 * helpers named {@code counter/gauge/timer("...")}), registered as the same kind (with the same base unit and
 * histogram flag) in Micrometer's own Prometheus registry, and that registry's scrape gives the names: the conversion
 * (dots, {@code _total}, {@code _seconds_bucket}) is Micrometer's, exactly as the services' {@code /prometheus} does it.
 *
 * <p>Library meters (JVM, Kafka client metrics) are not found this way: the few the dashboard uses are in {@link #LIBRARY}.
 */
final class ExportedMetrics {

    /** Modules whose code runs inside the services. */
    static final List<String> MODULES = List.of("rotation-worker", "audit-stream", "lifecycle-service", "service-kit",
            "audit-core", "secret-store", "schemas");

    /** Series Prometheus itself adds for every scrape target. */
    static final Set<String> SYNTHETIC = Set.of("up");

    /**
     * Library metrics (not rekey meters) the dashboard or alerts use, with the service that exports them; the code scan
     * cannot see these, so ServicesExportIT checks each against a real scrape of that service.
     */
    static final Map<String, List<String>> LIBRARY = Map.of(
            // Bound by KafkaStreamsMetrics; the worker's and the lifecycle service's own consumers are not bound.
            "kafka_consumer_fetch_manager_records_lag_max", List.of("audit-stream"),
            "jvm_memory_used_bytes", Repo.SERVICES);

    private static final Pattern BUILDER = Pattern.compile(
            "\\b(Counter|Timer|Gauge|DistributionSummary)\\.builder\\(\\s*\"([a-z][a-z0-9_.]*)\"([^;]*);", Pattern.DOTALL);
    private static final Pattern SHORTHAND = Pattern.compile("\\b(counter|timer|gauge|summary)\\(\\s*\"(rekey\\.[a-z0-9_.]+)\"");
    private static final Pattern BASE_UNIT = Pattern.compile("\\.baseUnit\\(\\s*\"([^\"]+)\"");

    /** One meter registration found in code. */
    record Meter(String kind, String name, String baseUnit, boolean histogram, Path source) {
    }

    private ExportedMetrics() {
    }

    static List<Meter> registeredInCode() {
        List<Meter> meters = new ArrayList<>();
        for (String module : MODULES) {
            for (Path file : Repo.mainSources(module)) {
                String code = Repo.read(file);
                Matcher b = BUILDER.matcher(code);
                while (b.find()) {
                    String chain = b.group(3);
                    Matcher unit = BASE_UNIT.matcher(chain);
                    meters.add(new Meter(b.group(1).toLowerCase(Locale.ROOT), b.group(2), unit.find() ? unit.group(1) : null,
                            chain.contains("publishPercentileHistogram()"), file));
                }
                Matcher s = SHORTHAND.matcher(code);
                while (s.find()) {
                    meters.add(new Meter(s.group(1), s.group(2), null, false, file));
                }
            }
        }
        return meters;
    }

    /** Every sample name a scrape of the services can contain for rekey's meters. */
    static Set<String> prometheusNames(List<Meter> meters) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        for (Meter m : meters) {
            switch (m.kind()) {
                case "counter" -> Counter.builder(m.name()).baseUnit(m.baseUnit()).register(registry).increment();
                case "gauge" -> Gauge.builder(m.name(), () -> 1).baseUnit(m.baseUnit()).register(registry);
                case "timer" -> {
                    Timer.Builder timer = Timer.builder(m.name());
                    if (m.histogram()) {
                        timer.publishPercentileHistogram();
                    }
                    timer.register(registry).record(Duration.ofMillis(5));
                }
                case "distributionsummary", "summary" -> {
                    DistributionSummary.Builder summary = DistributionSummary.builder(m.name()).baseUnit(m.baseUnit());
                    if (m.histogram()) {
                        summary.publishPercentileHistogram();
                    }
                    summary.register(registry).record(1);
                }
                default -> throw new IllegalStateException("unknown meter kind " + m.kind() + " in " + m.source());
            }
        }
        Set<String> names = new TreeSet<>();
        for (String line : registry.scrape().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        registry.close();
        return names;
    }
}
