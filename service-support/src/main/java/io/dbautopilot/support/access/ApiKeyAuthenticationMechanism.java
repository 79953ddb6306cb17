package io.dbautopilot.support.access;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;

/**
 * Reads the API key of a request ({@code X-API-Key}, else {@code Authorization: Bearer}) and has it checked by
 * {@link ApiKeyIdentityProvider}. Without a key: anonymous when keys are configured (so {@code @RolesAllowed} answers
 * 401); a viewer when none are (reads open), also an operator with {@code autopilot.api.open=true}.
 */
@ApplicationScoped
public class ApiKeyAuthenticationMechanism implements HttpAuthenticationMechanism {

    /** Identity attribute set on the anonymous caller of a service with no key configured. */
    public static final String NO_KEYS_CONFIGURED = "autopilot.no-keys-configured";

    private static final ChallengeData CHALLENGE = new ChallengeData(401, "WWW-Authenticate", "Bearer");

    private final ApiKeys keys;

    public ApiKeyAuthenticationMechanism(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String key = presentedKey(context);
        if (key != null) {
            return identityProviderManager.authenticate(new ApiKeyAuthenticationRequest(key));
        }
        if (keys.configured()) {
            return Uni.createFrom().nullItem();
        }
        QuarkusSecurityIdentity.Builder anonymous = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal("anonymous"))
                .addRole(Roles.VIEWER)
                .addAttribute(NO_KEYS_CONFIGURED, Boolean.TRUE);
        if (keys.open()) {
            anonymous.addRole(Roles.OPERATOR);
        }
        return Uni.createFrom().item(anonymous.build());
    }

    /** The key sent with the request, or null. */
    static String presentedKey(RoutingContext context) {
        String key = context.request().getHeader("X-API-Key");
        if (key != null && !key.isBlank()) {
            return key.trim();
        }
        String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).trim();
            return token.isEmpty() ? null : token;
        }
        return null;
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(CHALLENGE);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiKeyAuthenticationRequest.class);
    }
}
