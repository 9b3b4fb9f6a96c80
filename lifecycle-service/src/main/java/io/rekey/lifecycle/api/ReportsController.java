package io.rekey.lifecycle.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.rekey.lifecycle.app.Inputs;
import io.rekey.lifecycle.app.LifecycleException;
import io.rekey.lifecycle.app.LifecycleService;
import io.rekey.lifecycle.compliance.Compliance;
import io.rekey.lifecycle.compliance.ComplianceCsv;
import io.rekey.lifecycle.compliance.ComplianceReport;
import io.rekey.lifecycle.config.LifecycleSettings;
import io.rekey.lifecycle.registry.FieldError;
import io.rekey.lifecycle.security.Roles;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Compliance reports over the whole registry. */
@Controller("/reports")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured({Roles.VIEWER, Roles.OPERATOR, Roles.ADMIN})
@Tag(name = "reports")
public class ReportsController {

    static final String CSV = "text/csv";

    private final LifecycleService service;
    private final LifecycleSettings settings;
    private final Clock clock;

    public ReportsController(LifecycleService service, LifecycleSettings settings, Clock clock) {
        this.service = service;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Secrets overdue for rotation or with a failed one, older than policy, expired or expiring soon, not read for
     * {@code unusedDays} (default from configuration), without owner; with totals. Role: viewer.
     */
    @Get("/compliance")
    public Resources.Report compliance(@Nullable @QueryValue Integer unusedDays) {
        return Resources.report(build(unusedDays));
    }

    /** The same report as CSV: one row per finding, then TOTAL rows. Role: viewer. */
    @Get("/compliance.csv")
    @Produces(CSV)
    public HttpResponse<String> complianceCsv(@Nullable @QueryValue Integer unusedDays) {
        ComplianceReport report = build(unusedDays);
        return HttpResponse.ok(ComplianceCsv.write(report)).contentType(CSV + "; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"rekey-compliance.csv\"");
    }

    private ComplianceReport build(Integer unusedDays) {
        if (unusedDays != null && (unusedDays < 1 || unusedDays > 3650)) {
            throw new LifecycleException.Invalid(List.of(FieldError.of("unusedDays", unusedDays + " is out of range; allowed 1 to 3650")));
        }
        Instant now = clock.instant();
        return Compliance.report(service.list().stream().map(s -> Inputs.compliance(s, now)).toList(),
                unusedDays == null ? settings.compliance() : settings.compliance().withUnusedFor(Duration.ofDays(unusedDays)), now);
    }
}
