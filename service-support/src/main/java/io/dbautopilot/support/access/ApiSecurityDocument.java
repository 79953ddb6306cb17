package io.dbautopilot.support.access;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

import java.util.Map;

/**
 * Puts the API's access control into the OpenAPI document: the two ways to send a key as security schemes, and on
 * every {@code /api} operation the requirement and the role it needs ({@code x-required-role}).
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ApiSecurityDocument implements OASFilter {

    /** Name of the {@code X-API-Key} scheme. */
    public static final String API_KEY = "apiKey";
    /** Name of the {@code Authorization: Bearer} scheme. */
    public static final String BEARER = "bearer";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Components components = openAPI.getComponents() == null ? OASFactory.createComponents() : openAPI.getComponents();
        components.addSecurityScheme(API_KEY, OASFactory.createSecurityScheme().type(SecurityScheme.Type.APIKEY)
                .in(SecurityScheme.In.HEADER).name("X-API-Key")
                .description("An API key: viewer keys read, operator keys also change (autopilot.api.*-keys)"));
        components.addSecurityScheme(BEARER, OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP)
                .scheme("bearer").description("The same API key as 'Authorization: Bearer <key>'"));
        openAPI.setComponents(components);
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
            if (!path.getKey().equals("/api") && !path.getKey().startsWith("/api/")) {
                continue;
            }
            for (Map.Entry<PathItem.HttpMethod, Operation> op : path.getValue().getOperations().entrySet()) {
                boolean read = op.getKey() == PathItem.HttpMethod.GET || op.getKey() == PathItem.HttpMethod.HEAD;
                SecurityRequirement apiKey = OASFactory.createSecurityRequirement().addScheme(API_KEY);
                SecurityRequirement bearer = OASFactory.createSecurityRequirement().addScheme(BEARER);
                op.getValue().setSecurity(java.util.List.of(apiKey, bearer));
                op.getValue().addExtension("x-required-role", read ? Roles.VIEWER : Roles.OPERATOR);
            }
        }
    }
}
