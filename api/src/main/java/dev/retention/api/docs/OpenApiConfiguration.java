package dev.retention.api.docs;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Map;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI 3.1 document at {@code /v3/api-docs}: every endpoint from the code, the two ways to
 * authenticate, and the problem+json answers every operation can give.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

  static final String KEY = "integrationKey";
  static final String SESSION = "session";
  static final String PROBLEM = "Problem";

  /** Paths anyone may call (see AccessRules): no security requirement on them. */
  private static final Set<String> PUBLIC_PREFIXES =
      Set.of("/api/webhooks/", "/api/unsubscribe", "/actuator/health");

  private static final Map<String, String> ERRORS =
      Map.of(
          "400", "Invalid request: the detail says what, `field` which field",
          "401", "No or invalid credentials",
          "403", "The caller may not do this (a scope, a role, or another CSM's customer)",
          "404", "Not found",
          "409", "Conflict with the current state",
          "413", "Request body too large",
          "415", "Unsupported content type",
          "503", "A dependency (database, Temporal) is unavailable; nothing changed, retry");

  @Bean
  OpenAPI retentionOpenApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("Retention playbooks API")
                .version("1")
                .description(
                    "Customer-success playbooks on Temporal. Every error is RFC 9457"
                        + " application/problem+json.")
                .license(new License().name("Apache-2.0")))
        .components(
            new Components()
                .addSecuritySchemes(
                    KEY,
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .bearerFormat("rpk_<id>_<secret>")
                        .description("An integration key; its scopes decide what it may call"))
                .addSecuritySchemes(
                    SESSION,
                    new SecurityScheme()
                        .type(SecurityScheme.Type.APIKEY)
                        .in(SecurityScheme.In.COOKIE)
                        .name("JSESSIONID")
                        .description(
                            "A person's session from POST /api/session; writes also need the"
                                + " X-XSRF-TOKEN header")));
  }

  /**
   * Optional properties may be null in answers ({@code outcome} of a running run, say): OpenAPI 3.1
   * says so with a {@code "null"} type beside the property's own.
   */
  @Bean
  OpenApiCustomizer optionalMeansNullable() {
    return openApi -> {
      if (openApi.getComponents() == null || openApi.getComponents().getSchemas() == null) {
        return;
      }
      openApi.getComponents().getSchemas().values().forEach(OpenApiConfiguration::nullable);
    };
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static void nullable(Schema schema) {
    if (schema.getProperties() == null) {
      return;
    }
    java.util.List<String> required =
        schema.getRequired() == null ? java.util.List.of() : schema.getRequired();
    schema
        .getProperties()
        .forEach(
            (name, property) -> {
              Schema p = (Schema) property;
              if (!required.contains(name)) {
                if (p.get$ref() != null) {
                  Schema ref = new Schema().$ref(p.get$ref());
                  p.set$ref(null);
                  p.setOneOf(java.util.List.of(ref, new Schema().addType("null")));
                } else if (p.getTypes() != null && !p.getTypes().isEmpty()) {
                  p.addType("null");
                } else if (p.getType() != null) {
                  p.addType(p.getType());
                  p.addType("null");
                }
              }
            });
  }

  @Bean
  OpenApiCustomizer problemsAndSecurity() {
    return openApi -> {
      if (openApi.getComponents() == null) {
        openApi.setComponents(new Components());
      }
      openApi.getComponents().addSchemas(PROBLEM, problemSchema());
      openApi
          .getPaths()
          .forEach(
              (path, item) ->
                  item.readOperationsMap()
                      .forEach(
                          (method, operation) -> {
                            boolean open =
                                PUBLIC_PREFIXES.stream().anyMatch(path::startsWith)
                                    || (path.equals("/api/session")
                                        && method == PathItem.HttpMethod.POST);
                            if (!open) {
                              operation
                                  .addSecurityItem(new SecurityRequirement().addList(KEY))
                                  .addSecurityItem(new SecurityRequirement().addList(SESSION));
                            }
                            ApiResponses responses = operation.getResponses();
                            ERRORS.forEach(
                                (status, description) -> {
                                  if (!responses.containsKey(status)) {
                                    responses.addApiResponse(status, problem(description));
                                  }
                                });
                          }));
    };
  }

  private static ApiResponse problem(String description) {
    return new ApiResponse()
        .description(description)
        .content(
            new Content()
                .addMediaType(
                    "application/problem+json",
                    new MediaType()
                        .schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
  }

  private static ObjectSchema problemSchema() {
    ObjectSchema problem = new ObjectSchema();
    problem.setDescription("RFC 9457 problem details");
    problem.addProperty("type", new StringSchema());
    problem.addProperty("title", new StringSchema());
    problem.addProperty("status", new IntegerSchema());
    problem.addProperty("detail", new StringSchema());
    problem.addProperty("instance", new StringSchema());
    problem.addProperty("field", new StringSchema().description("The field at fault, if one is"));
    problem.setRequired(java.util.List.of("title", "status"));
    return problem;
  }
}
