package io.rekey.lifecycle.api;

import io.micronaut.context.BeanContext;
import io.micronaut.context.ExecutionHandleLocator;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.HttpRequest;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteMatch;
import io.micronaut.web.router.filter.FilteredRouter;
import io.micronaut.web.router.filter.RouteMatchFilter;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.inject.BeanDefinition;
import io.micronaut.inject.ExecutableMethod;
import io.micronaut.web.router.DefaultRouteBuilder;
import jakarta.inject.Singleton;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.function.Predicate;

/**
 * Routes {@code /secrets/db/orders:rotate} (a secret id with raw slashes) to the same methods as the documented
 * {@code /secrets/{id}:rotate}, by registering each {@link SecretsController} route again with the reserved
 * expansion {@code {+id}}. Registered here rather than annotated because the OpenAPI generator cannot describe
 * {@code {+id}}; the security rules and executor of each method apply unchanged. A {@code {+id}} route also matches
 * a single-segment id, so {@link OnlyRawSlashes} keeps these routes to requests whose id has a raw '/'.
 */
@Singleton
public class RawSecretIdRoutes extends DefaultRouteBuilder {

    private static final List<Class<? extends Annotation>> VERBS = List.of(Get.class, Post.class, Put.class, Delete.class);

    public RawSecretIdRoutes(ExecutionHandleLocator locator, BeanContext beans) {
        super(locator);
        BeanDefinition<SecretsController> controller = beans.getBeanDefinition(SecretsController.class);
        String base = controller.stringValue(io.micronaut.http.annotation.Controller.class).orElse("");
        for (ExecutableMethod<SecretsController, ?> method : controller.getExecutableMethods()) {
            for (Class<? extends Annotation> verb : VERBS) {
                String uri = method.stringValue(verb).orElse(null);
                if (uri == null || !uri.contains("{id}")) {
                    continue;
                }
                String raw = base + uri.replace("{id}", "{+id}");
                if (verb == Get.class) {
                    GET(raw, controller, method);
                } else if (verb == Post.class) {
                    POST(raw, controller, method);
                } else if (verb == Put.class) {
                    PUT(raw, controller, method);
                } else {
                    DELETE(raw, controller, method);
                }
            }
        }
    }

    static boolean isRaw(UriRouteMatch<?, ?> match) {
        return match.getRouteInfo().getUriMatchTemplate().toString().contains("{+id}");
    }

    /** Whether the secret id in the request path holds a raw '/' (not {@code %2F}). */
    static boolean hasRawSlash(HttpRequest<?> request) {
        String path = request.getPath();
        int start = path.indexOf("/secrets/");
        return start >= 0 && path.indexOf('/', start + "/secrets/".length()) >= 0;
    }

    /** Wraps the router so a raw-id route only matches a request whose id has a raw '/'. */
    @Singleton
    static class OnlyRawSlashes implements BeanCreatedEventListener<Router>, RouteMatchFilter {
        @Override
        public Router onCreated(BeanCreatedEvent<Router> event) {
            return new FilteredRouter(event.getBean(), this);
        }

        @Override
        public <T, R> Predicate<UriRouteMatch<T, R>> filter(HttpRequest<?> request) {
            boolean raw = hasRawSlash(request);
            return match -> isRaw(match) == raw;
        }
    }
}
