package io.rekey.lifecycle.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.rekey.lifecycle.app.LifecycleException;
import io.rekey.lifecycle.app.LifecycleService;
import io.rekey.lifecycle.registry.FieldError;
import io.rekey.lifecycle.security.Roles;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.util.List;
import java.util.Map;

/** Emergency mode: while on, scheduled rotations pause (every service reads it from {@code rekey.control}). */
@Controller("/emergency")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "emergency")
public class EmergencyController {

    private final LifecycleService service;
    private final Callers callers;
    private final JsonBodies bodies;

    public EmergencyController(LifecycleService service, Callers callers, JsonBodies bodies) {
        this.service = service;
        this.callers = callers;
        this.bodies = bodies;
    }

    /** Whether emergency mode is on, since when, by whom and for which incident. Role: viewer. */
    @Get
    @Secured({Roles.VIEWER, Roles.OPERATOR, Roles.ADMIN})
    public Resources.Emergency get() {
        return Resources.emergency(service.emergency().orElse(null));
    }

    /** Switches emergency mode: {@code {"active": true, "incidentId": "INC-1", "reason": "..."}}. Role: admin. */
    @Put(consumes = MediaType.APPLICATION_JSON)
    @RequestBody(content = @Content(schema = @Schema(implementation = Bodies.Emergency.class)))
    @Secured({Roles.ADMIN})
    public Resources.Emergency set(Authentication auth, HttpRequest<?> request, @Body @Nullable String body) {
        Map<String, Object> fields = bodies.object(body, true);
        JsonBodies.onlyFields(fields, List.of("active", "incidentId", "reason"));
        if (!(fields.get("active") instanceof Boolean active)) {
            throw new LifecycleException.Invalid(List.of(FieldError.of("active", "is required: true or false")));
        }
        return Resources.emergency(service.setEmergency(callers.of(auth, request), active,
                JsonBodies.text(fields, "incidentId", 100), JsonBodies.text(fields, "reason", 500)));
    }
}
