package io.rekey.lifecycle.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.rekey.lifecycle.app.LifecycleException;
import io.rekey.lifecycle.app.LifecycleService;
import io.rekey.lifecycle.app.LifecycleService.Operation;
import io.rekey.lifecycle.registry.FieldError;
import io.rekey.lifecycle.security.Roles;
import io.rekey.lifecycle.view.SecretSnapshot;
import io.rekey.schema.Category;
import io.rekey.schema.Criticality;
import io.rekey.schema.LifecycleState;
import io.rekey.schema.SecretType;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The registry of secrets and their lifecycle. Operations on a secret are custom methods after a ':' (as in
 * Google's API design guide), since ':' is not allowed in secret ids: {@code POST /secrets/db%2Forders:rotate}.
 * Secret ids may contain '/': send it percent-encoded as above (what OpenAPI clients do), or as it is
 * ({@code /secrets/db/orders:rotate}), which {@link RawSecretIdRoutes} routes to the same methods.
 */
@Controller("/secrets")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "secrets")
@ApiResponse(responseCode = "400", description = "Invalid request: every field error, with allowed values",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "401", description = "No or unacceptable bearer token (audited)",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "403", description = "Role too low (audited)",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "404", description = "Secret not registered",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "409", description = "Not allowed in the secret's state: the state and allowed next states",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "503", description = "Kafka unavailable or the service still reading the log; nothing changed",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class SecretsController {

    private static final List<String> REASON_FIELDS = List.of("reason", "incidentId");
    private static final List<String> ROTATE_FIELDS = List.of("incidentId", "force", "dryRun", "gracePeriodSeconds");

    private final LifecycleService service;
    private final Resources resources;
    private final Callers callers;
    private final JsonBodies bodies;
    private final Clock clock;

    public SecretsController(LifecycleService service, Resources resources, Callers callers, JsonBodies bodies, Clock clock) {
        this.service = service;
        this.resources = resources;
        this.callers = callers;
        this.bodies = bodies;
        this.clock = clock;
    }

    /** Registers a secret (CREATED, then ACTIVATED unless {@code activate} is false). Role: operator. */
    @Post(consumes = MediaType.APPLICATION_JSON)
    @RequestBody(content = @Content(schema = @Schema(implementation = Bodies.Registration.class)))
    @ApiResponse(responseCode = "201", description = "Registered", content = @Content(schema = @Schema(implementation = SecretResource.class)))
    @Secured({Roles.OPERATOR, Roles.ADMIN})
    public HttpResponse<SecretResource> register(Authentication auth, HttpRequest<?> request, @Body @Nullable String body) {
        SecretSnapshot s = service.register(callers.of(auth, request), bodies.object(body, true));
        return withRevision(HttpResponse.created(view(s), URI.create("/secrets/" + s.secretId())), s);
    }

    /**
     * Lists registered secrets, filtered. Soft-deleted secrets only with {@code includeDeleted=true}. Role: viewer.
     */
    @Get
    @Secured({Roles.VIEWER, Roles.OPERATOR, Roles.ADMIN})
    public Resources.SecretList list(@Nullable @QueryValue String state, @Nullable @QueryValue String owner,
                                     @Nullable @QueryValue String tag, @Nullable @QueryValue String type,
                                     @Nullable @QueryValue String criticality, @Nullable @QueryValue String category,
                                     @Nullable @QueryValue Boolean includeDeleted, @Nullable @QueryValue Integer limit,
                                     @Nullable @QueryValue Integer offset) {
        LifecycleState wantedState = choice("state", state, LifecycleState.class);
        SecretType wantedType = choice("type", type, SecretType.class);
        Criticality wantedCriticality = choice("criticality", criticality, Criticality.class);
        Category wantedCategory = choice("category", category, Category.class);
        int size = limit == null ? 100 : limit;
        int from = offset == null ? 0 : offset;
        if (size < 1 || size > 1000) {
            throw invalid("limit", size + " is out of range; allowed 1 to 1000");
        }
        if (from < 0) {
            throw invalid("offset", "must not be negative");
        }
        Instant now = clock.instant();
        boolean emergency = service.emergency().map(m -> m.getActive()).orElse(false);
        Stream<SecretSnapshot> all = service.list().stream()
                .filter(s -> Boolean.TRUE.equals(includeDeleted) || s.descriptor().getDeletedAt() == null)
                .filter(s -> wantedState == null || s.status().state() == wantedState)
                .filter(s -> owner == null || owner.equals(s.descriptor().getOwner()))
                .filter(s -> tag == null || s.descriptor().getTags().contains(tag.toLowerCase(Locale.ROOT)))
                .filter(s -> wantedType == null || s.descriptor().getType() == wantedType)
                .filter(s -> wantedCriticality == null || s.descriptor().getCriticality() == wantedCriticality)
                .filter(s -> wantedCategory == null || s.descriptor().getCategory() == wantedCategory);
        List<SecretSnapshot> matching = all.toList();
        List<SecretResource> page = matching.stream().skip(from).limit(size).map(s -> resources.secret(s, emergency, now)).toList();
        return new Resources.SecretList(matching.size(), from, size, page);
    }

    /**
     * A secret with its lifecycle state, schedule and last access. With {@code minRevision} (the revision a write
     * answered, through any instance), this instance first catches up with the log, so it shows at least that
     * revision: read-your-writes across instances. Role: viewer.
     */
    @Get("/{id}")
    @Secured({Roles.VIEWER, Roles.OPERATOR, Roles.ADMIN})
    public HttpResponse<SecretResource> get(@PathVariable String id, @Nullable @QueryValue Long minRevision) {
        if (id.indexOf(':') >= 0) {
            throw new LifecycleException.NotFound("no GET method '" + id.substring(id.indexOf(':'))
                    + "'; GET supports /secrets/{id} and /secrets/{id}:history");
        }
        SecretSnapshot s = minRevision == null ? service.get(id) : service.get(id, minRevision);
        return withRevision(HttpResponse.ok(view(s)), s);
    }

    /** Lifecycle events (every transition, with actor and details) and rotations of a secret. Role: viewer. */
    @Get("/{id}:history")
    @Secured({Roles.VIEWER, Roles.OPERATOR, Roles.ADMIN})
    public Resources.History history(@PathVariable String id) {
        return Resources.history(service.get(id));
    }

    /**
     * Replaces the descriptor's fields (id and type stay). Send {@code If-Match: "<revision>"} to refuse the change
     * if someone else changed the secret since you read it. Role: operator.
     */
    @Put(value = "/{id}", consumes = MediaType.APPLICATION_JSON)
    @RequestBody(content = @Content(schema = @Schema(implementation = Bodies.Registration.class)))
    @Secured({Roles.OPERATOR, Roles.ADMIN})
    public HttpResponse<SecretResource> update(Authentication auth, HttpRequest<?> request, @PathVariable String id,
                                               @Nullable @Header(HttpHeaders.IF_MATCH) String ifMatch,
                                               @Body @Nullable String body) {
        SecretSnapshot s = service.update(callers.of(auth, request), id, bodies.object(body, true), revision(ifMatch));
        return withRevision(HttpResponse.ok(view(s)), s);
    }

    /** Soft-deletes a retired secret; it can be restored until the recovery window ends, then it is purged. Role: admin. */
    @Delete("/{id}")
    @Secured({Roles.ADMIN})
    public HttpResponse<SecretResource> delete(Authentication auth, HttpRequest<?> request, @PathVariable String id,
                                               @Nullable @QueryValue String reason) {
        return operation(auth, request, id, Operation.DELETE, Map.of("reason", reason == null ? "" : reason));
    }

    /** Puts a CREATED secret in service, or reinstates a DEPRECATED or renewed EXPIRED one. Role: operator. */
    @Post(value = "/{id}:activate", consumes = MediaType.APPLICATION_JSON)
    @RequestBody(content = @Content(schema = @Schema(implementation = Bodies.Reason.class)))
    @Secured({Roles.OPERATOR, Roles.ADMIN})
    public HttpResponse<SecretResource> activate(Authentication auth, HttpRequest<?> request, @PathVariable String id,
                                                 @Body @Nullable String body) {
        return operation(auth, request, id, Operation.ACTIVATE, bodies.object(body, false));
    }

    /** Phases a secret out: no more scheduled rotation. Role: operator. */
    @Post(value = "/{id}:deprecate", consumes = MediaType.APPLICATION_JSON)
    @RequestBody(content = @Content(schema = @Schema(implementation = Bodies.Reason.class)))
    @Secured({Roles.OPERATOR, Roles.ADMIN})
    public HttpResponse<SecretResource> deprecate(Authentication auth, HttpRequest<?> request, @PathVariable String id,
                                                  @Body @Nullable String body) {
        return operation(auth, request, id, Operation.DEPRECATE, bodies.object(body, false));
    }

    /** Declares the credential unsafe, for good; {@code reason} is required. Role: admin. */
    @Post(value = "/{id}:revoke", consumes = MediaType.APPLICATION_JSON)
    @RequestBody(content = @Content(schema = @Schema(implementation = Bodies.Reason.class)))
    @Secured({Roles.ADMIN})
    public HttpResponse<SecretResource> revoke(Authentication auth, HttpRequest<?> request, @PathVariable String id,
                                               @Body @Nullable String body) {
        return operation(auth, request, id, Operation.REVOKE, bodies.object(body, false));
    }

    /** Retires a deprecated, expired or revoked secret for good. Role: admin. */
    @Post(value = "/{id}:archive", consumes = MediaType.APPLICATION_JSON)
    @RequestBody(content = @Content(schema = @Schema(implementation = Bodies.Reason.class)))
    @Secured({Roles.ADMIN})
    public HttpResponse<SecretResource> archive(Authentication auth, HttpRequest<?> request, @PathVariable String id,
                                                @Body @Nullable String body) {
        return operation(auth, request, id, Operation.ARCHIVE, bodies.object(body, false));
    }

    /** Restores a soft-deleted secret within its recovery window. Role: admin. */
    @Post(value = "/{id}:restore", consumes = MediaType.APPLICATION_JSON)
    @RequestBody(content = @Content(schema = @Schema(implementation = Bodies.Reason.class)))
    @Secured({Roles.ADMIN})
    public HttpResponse<SecretResource> restore(Authentication auth, HttpRequest<?> request, @PathVariable String id,
                                                @Body @Nullable String body) {
        return operation(auth, request, id, Operation.RESTORE, bodies.object(body, false));
    }

    /**
     * Purges a soft-deleted secret now (a registry tombstone); refused before the recovery window ends when purge
     * protection is on. Role: admin.
     */
    @Post(value = "/{id}:purge", consumes = MediaType.APPLICATION_JSON)
    @RequestBody(content = @Content(schema = @Schema(implementation = Bodies.Reason.class)))
    @Secured({Roles.ADMIN})
    public HttpResponse<Map<String, Object>> purge(Authentication auth, HttpRequest<?> request, @PathVariable String id,
                                                   @Body @Nullable String body) {
        Map<String, Object> fields = bodies.object(body, false);
        JsonBodies.onlyFields(fields, REASON_FIELDS);
        SecretSnapshot s = service.apply(callers.of(auth, request), id, Operation.PURGE,
                JsonBodies.text(fields, "reason", 500), JsonBodies.text(fields, "incidentId", 100));
        return HttpResponse.ok(Map.of("secretId", id, "state", String.valueOf(s.status().state())));
    }

    /** Settles a failed rotation so scheduled rotation resumes. Role: operator. */
    @Post(value = "/{id}:clear-rotation-failure", consumes = MediaType.APPLICATION_JSON)
    @RequestBody(content = @Content(schema = @Schema(implementation = Bodies.Reason.class)))
    @Secured({Roles.OPERATOR, Roles.ADMIN})
    public HttpResponse<SecretResource> clearRotationFailure(Authentication auth, HttpRequest<?> request, @PathVariable String id,
                                                             @Body @Nullable String body) {
        return operation(auth, request, id, Operation.CLEAR_ROTATION_FAILURE, bodies.object(body, false));
    }

    /**
     * Rotates now: publishes a signed MANUAL rotation command and returns its rotation id (202). With an
     * {@code Idempotency-Key} header a retried request returns the same rotation instead of a second one.
     * Role: operator.
     */
    @Post(value = "/{id}:rotate", consumes = MediaType.APPLICATION_JSON)
    @RequestBody(content = @Content(schema = @Schema(implementation = Bodies.Rotate.class)))
    @ApiResponse(responseCode = "202", description = "Signed command published",
            content = @Content(schema = @Schema(implementation = LifecycleService.RotationRequested.class)))
    @ApiResponse(responseCode = "200", description = "Same Idempotency-Key: the rotation already requested",
            content = @Content(schema = @Schema(implementation = LifecycleService.RotationRequested.class)))
    @Secured({Roles.OPERATOR, Roles.ADMIN})
    public HttpResponse<LifecycleService.RotationRequested> rotate(Authentication auth, HttpRequest<?> request,
                                                                   @PathVariable String id,
                                                                   @Nullable @Header("Idempotency-Key") String idempotencyKey,
                                                                   @Body @Nullable String body) {
        Map<String, Object> fields = bodies.object(body, false);
        JsonBodies.onlyFields(fields, ROTATE_FIELDS);
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            throw invalid("Idempotency-Key", "must be 1 to 200 characters");
        }
        Object grace = fields.get("gracePeriodSeconds");
        if (grace != null && !(grace instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()))) {
            throw invalid("gracePeriodSeconds", "must be a whole number of seconds");
        }
        LifecycleService.RotationRequested requested = service.rotateNow(callers.of(auth, request), id,
                new LifecycleService.RotateRequest(JsonBodies.text(fields, "incidentId", 100), JsonBodies.flag(fields, "force"),
                        JsonBodies.flag(fields, "dryRun"), grace == null ? null : ((Number) grace).longValue(), idempotencyKey));
        return HttpResponse.<LifecycleService.RotationRequested>status(requested.alreadyRequested() ? HttpStatus.OK : HttpStatus.ACCEPTED)
                .body(requested);
    }

    private HttpResponse<SecretResource> operation(Authentication auth, HttpRequest<?> request, String id, Operation operation,
                                                   Map<String, Object> fields) {
        JsonBodies.onlyFields(fields, REASON_FIELDS);
        SecretSnapshot s = service.apply(callers.of(auth, request), id, operation,
                JsonBodies.text(fields, "reason", 500), JsonBodies.text(fields, "incidentId", 100));
        return withRevision(HttpResponse.ok(view(s)), s);
    }

    private SecretResource view(SecretSnapshot s) {
        return resources.secret(s, service.emergency().map(m -> m.getActive()).orElse(false), clock.instant());
    }

    private static MutableHttpResponse<SecretResource> withRevision(MutableHttpResponse<SecretResource> response, SecretSnapshot s) {
        return response.header(HttpHeaders.ETAG, "\"" + s.descriptor().getRevision() + "\"");
    }

    private static Long revision(String ifMatch) {
        if (ifMatch == null) {
            return null;
        }
        String value = ifMatch.trim();
        if (value.startsWith("W/")) {
            value = value.substring(2);
        }
        value = value.replace("\"", "");
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw invalid("If-Match", "must be the ETag of the secret, a revision number such as \"3\"");
        }
    }

    private static <E extends Enum<E>> E choice(String field, String value, Class<E> type) {
        if (value == null) {
            return null;
        }
        List<String> allowed = Arrays.stream(type.getEnumConstants()).map(Enum::name).filter(n -> !"UNKNOWN".equals(n)).toList();
        String upper = value.trim().toUpperCase(Locale.ROOT);
        if (!allowed.contains(upper)) {
            throw new LifecycleException.Invalid(List.of(new FieldError(field, field + ": unknown " + field + " '" + value
                    + "'; allowed values: " + String.join(", ", allowed), allowed)));
        }
        return Enum.valueOf(type, upper);
    }

    private static LifecycleException.Invalid invalid(String field, String message) {
        return new LifecycleException.Invalid(List.of(FieldError.of(field, message)));
    }
}
