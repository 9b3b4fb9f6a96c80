package io.rekey.lifecycle;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

/** Starts the lifecycle-service. */
@OpenAPIDefinition(
        info = @Info(title = "rekey lifecycle-service", version = "0.1",
                description = "Registry, lifecycle, rotation schedule and compliance of secrets. Bearer JWT with roles "
                        + "viewer, operator or admin; errors are RFC 9457 problem JSON. No secret value ever passes this API."),
        security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
public final class LifecycleServiceApplication {

    private LifecycleServiceApplication() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(LifecycleServiceApplication.class).banner(false).start();
    }
}
