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
import io.swagger.v3.oas.models.tags.Tag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
      Set.of("/api/webhooks/", "/api/segment/v1/", "/api/unsubscribe", "/actuator/health");

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

  /**
   * The document is public (it holds no data), so Swagger UI loads it for anyone and can say here
   * how to log in; every operation that needs credentials still answers 401 without them.
   */
  static final String LOGIN =
      """
      Customer-success playbooks on Temporal. Every error is RFC 9457 application/problem+json.

      **How to log in.** Every operation except the webhooks, the unsubscribe link, the health \
      check and `POST /api/session` needs credentials, in one of two ways:

      * **An integration key**: click *Authorize*, and under `integrationKey` paste the key \
      (`rpk_<id>_<secret>`; an admin creates one with `POST /api/admin/keys`, or the app's \
      bootstrap admin key). Swagger UI then sends `Authorization: Bearer rpk_...` with every \
      *Try it out*. What a key may call is decided by its scopes.
      * **A login session**: log in to the console at [/login](/login), or call \
      `POST /api/session` here with your username and password; the browser then holds the \
      session cookie and Swagger UI sends it. Writes in a session also need the `XSRF-TOKEN` \
      cookie's value as the `X-XSRF-TOKEN` header, so in Swagger UI a key is the simpler way.
      """;

  /** A small definition (as a JSON string of YAML) for the playbook-definition examples. */
  static final String DEFINITION_YAML =
      "\"format: 1\\nid: welcome-call\\nname: {en: Welcome call}\\ntrigger: {kind: manual}\\n"
          + "stages: [CALLING]\\n"
          + "outcomes: [{type: CALL_COMPLETED}]\\nfinalOutcomes: [COMPLETED, INCOMPLETE]\\n"
          + "steps:\\n"
          + "  - {kind: task, id: welcome-call-task, assignee: CSM, title: Welcome call,"
          + " body: Call the new customer., due: start + P1D, priority: NORMAL}\\n"
          + "  - kind: wait\\n    id: call-deadline\\n    until: start + P7D\\n    on: CSM\\n"
          + "    waitingFor: the CSM's CALL_COMPLETED\\n"
          + "    then: [{kind: close, outcome: INCOMPLETE, reason: no call within 7 days}]\\n"
          + "on:\\n  outcome:\\n"
          + "    CALL_COMPLETED: [{kind: close, outcome: COMPLETED, reason: called}]\\n\"";

  /** Each resource's operations under one tag, in this order. */
  static final Map<String, String> TAGS = tags();

  private static Map<String, String> tags() {
    Map<String, String> tags = new java.util.LinkedHashMap<>();
    tags.put("session", "Log in and out; who the caller is");
    tags.put("playbooks", "Start, follow, steer and cancel playbook runs");
    tags.put("customers", "Customer records, their timeline, emails and tasks");
    tags.put("csms", "Customer success managers");
    tags.put("events", "Events from the product's backend that start or inform playbooks");
    tags.put("metrics", "Usage metrics that score customers' health");
    tags.put(
        "health model",
        "The health score's weights, tiers and bands as versioned data: drafts, preview, publish");
    tags.put(
        "playbook definitions",
        "Playbooks as data: their versions, drafts checked with the place of each problem,"
            + " publishing (playbook editors), diffs");
    tags.put("tasks", "The CRM tasks the playbooks create for CSMs");
    tags.put("reports", "Playbook, NPS and onboarding figures for leads");
    tags.put("templates", "Previews of the playbooks' emails");
    tags.put("admin", "Integration keys and logins (admins)");
    tags.put(
        "webhook subscriptions",
        "Every run event out to subscriber URLs, signed per subscription; delivery logs and"
            + " replays (admins)");
    tags.put("audit", "The audit log of every write and refusal (admins)");
    tags.put("personal data", "Erasure of a customer's personal data (admins)");
    tags.put("email webhooks", "Delivery events and replies from the email providers (signed)");
    tags.put(
        "segment",
        "Product events in, Segment-compatible: track, identify, group, batch (write key or"
            + " signature)");
    tags.put("meeting webhooks", "Meetings booked in a scheduling tool (Calendly, signed)");
    tags.put(
        "connections",
        "The connectors (CRM, chat, product events, calendar, webhook subscribers): state and test");
    tags.put("chat webhooks", "Button clicks on the Slack messages about tasks (signed)");
    tags.put("crm webhooks", "Tasks completed in the team's CRM (HubSpot, signed)");
    tags.put("connectors", "Connecting the team's tools: HubSpot's import (admins)");
    tags.put("unsubscribe", "The signed unsubscribe link in every email");
    tags.put("codec", "Temporal's remote codec: payload encryption for the Temporal UI and CLI");
    return java.util.Collections.unmodifiableMap(tags);
  }

  @Bean
  OpenAPI retentionOpenApi() {
    return new OpenAPI()
        .tags(
            TAGS.entrySet().stream()
                .map(tag -> new Tag().name(tag.getKey()).description(tag.getValue()))
                .toList())
        .info(
            new Info()
                .title("Retention playbooks API")
                .version("1")
                .description(LOGIN)
                .license(new License().name("Apache-2.0").identifier("Apache-2.0")))
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
                  // "null" as both the 3.0 type and the 3.1 type list: springdoc copies the
                  // document
                  // through a 3.0 writer, which keeps only the former; without it the branch
                  // comes out as `true` (anything), which every value matches besides the ref.
                  Schema isNull = new Schema().type("null");
                  isNull.addType("null");
                  p.setOneOf(java.util.List.of(ref, isNull));
                } else if (p.getTypes() != null && !p.getTypes().isEmpty()) {
                  p.addType("null");
                } else if (p.getType() != null) {
                  p.addType(p.getType());
                  p.addType("null");
                }
              }
            });
  }

  private static final String METRICS =
      "\"queriesPerWeek\": 120, \"featuresUsed\": 4, \"loginsPerWeek\": 9,"
          + " \"emailOpenRate\": 0.4, \"openTickets\": 1, \"sentiment\": \"NEUTRAL\","
          + " \"planUsage\": 0.35";

  /** The shipped default model, as an example of the format. */
  private static final String HEALTH_MODEL = dev.retention.data.scoring.HealthModel.defaultJson();

  private static final String CUSTOMER =
      "\"name\": \"Acme Analytics B.V.\", \"email\": \"ops@acme.example\","
          + " \"csmId\": \"csm-petra\", \"plan\": \"Growth\", \"mrr\": 490,"
          + " \"planUsageLimit\": 10000, \"timezone\": \"Europe/Amsterdam\","
          + " \"locale\": \"nl\", \"renewalDate\": \"2027-03-31\", \"arr\": 5880";

  private static final String PAYLOADS =
      "{\"payloads\": [{\"metadata\": {\"encoding\": \"anNvbi9wbGFpbg==\"},"
          + " \"data\": \"eyJjdXN0b21lcklkIjoiYWNtZSJ9\"}]}";

  private static final String SEGMENT_TRACK =
      "{\"type\": \"track\", \"userId\": \"u-123\", \"event\": \"Signed In\","
          + " \"context\": {\"groupId\": \"acme\"}, \"timestamp\": \"2026-12-06T09:00:00Z\","
          + " \"messageId\": \"m-1\"}";

  /**
   * A request body per operation, as JSON: what Swagger UI fills in and generators document.
   *
   * <p>Long: a table, one example per operation; split by area it would be harder to see which
   * operation has none.
   */
  static Map<String, String> requestExamples(Instant now) {
    Map<String, String> examples = new java.util.HashMap<>();
    examples.put("upsertCustomer", "{" + CUSTOMER + "}");
    examples.put("upsertCustomersBatch", "[{\"customerId\": \"acme\", " + CUSTOMER + "}]");
    examples.put(
        "upsertCsm",
        "{\"name\": \"Petra de Vries\", \"email\": \"petra@example.com\","
            + " \"managerEmail\": \"lena@example.com\"}");
    examples.put(
        "startPlaybook",
        "{\"playbook\": \"at-risk\", \"customerId\": \"acme\","
            + " \"reason\": \"Usage halved in two weeks\"}");
    examples.put(
        "dryRunPlaybook",
        "{\"playbook\": \"at-risk\", \"customerId\": \"acme\","
            + " \"events\": [{\"at\": \"P4D\", \"type\": \"customer-responded\"}]}");
    examples.put(
        "recordOutcome",
        "{\"type\": \"CALL_COMPLETED\","
            + " \"note\": \"Walked through the reports; they add two users next week.\"}");
    examples.put("completeTask", "{\"note\": \"Called; training session booked for Tuesday.\"}");
    examples.put(
        "snoozeTask",
        "{\"until\": \"" + now.plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.HOURS) + "\"}");
    examples.put("login", "{\"username\": \"petra\", \"password\": \"correct horse battery\"}");
    examples.put("recordSignup", "{\"customerId\": \"acme\"}");
    examples.put("recordCustomerReply", "{\"customerId\": \"acme\"}");
    examples.put("recordMeetingBooked", "{\"customerId\": \"acme\", \"source\": \"calendly\"}");
    examples.put("recordEvent", "{\"customerId\": \"acme\"}");
    examples.put("recordMilestone", "{\"customerId\": \"acme\", \"milestone\": \"FIRST_QUERY\"}");
    examples.put(
        "recordNps",
        "{\"customerId\": \"acme\", \"score\": 6,"
            + " \"comment\": \"Reports are slow to load.\"}");
    examples.put(
        "recordCancellationRequest",
        "{\"customerId\": \"acme\", \"reason\": \"Too expensive for our team size\"}");
    examples.put("recordUpgrade", "{\"customerId\": \"acme\", \"plan\": \"Scale\"}");
    examples.put("recordMetrics", "{" + METRICS + "}");
    examples.put("recordOwnHealthScore", "{\"score\": 52, \"planUsage\": 0.35}");
    examples.put(
        "draftHealthModel", "{\"note\": \"Support weighs more\", \"model\": " + HEALTH_MODEL + "}");
    examples.put("previewHealthModel", "{\"model\": " + HEALTH_MODEL + "}");
    examples.put("publishHealthModel", "{\"note\": \"Support weighs more, from Q3\"}");
    examples.put("validatePlaybookDefinition", "{\"yaml\": " + DEFINITION_YAML + "}");
    examples.put(
        "createPlaybookDefinitionDraft",
        "{\"yaml\": " + DEFINITION_YAML + ", \"note\": \"A welcome call for new customers\"}");
    examples.put(
        "replacePlaybookDefinitionDraft",
        "{\"yaml\": " + DEFINITION_YAML + ", \"note\": \"Due in two days\"}");
    examples.put("publishPlaybookDefinition", "{\"note\": \"Day-3 email on day 2\"}");
    examples.put(
        "previewPlaybookTemplate",
        "{\"template\": \"at-risk/day-3\", \"customerId\": \"c-42\", \"locale\": \"nl\","
            + " \"subject\": \"Dag 2: een snel idee voor {{customer.name}}\","
            + " \"text\": \"Hoi {{customer.name}},\\n\\nGroet,\\n{{csm.name}}\"}");
    examples.put("recordMetricsBatch", "[{\"customerId\": \"acme\", " + METRICS + "}]");
    // No example for createKey: with one, schemathesis 4's fuzzer stops on an internal Hypothesis
    // error for that operation (its schema says it all: a name and a list of scopes).
    examples.put(
        "upsertPerson",
        "{\"name\": \"Petra de Vries\", \"email\": \"petra@example.com\", \"role\": \"CSM\","
            + " \"csmId\": \"csm-petra\", \"password\": \"correct horse battery\"}");
    examples.put(
        "addCustomerNote",
        "{\"kind\": \"CALL\", \"withWhom\": \"Ann de Wit (CFO)\", \"occurredAt\": \""
            + now.minusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            + "\", \"text\": \"Renewal is safe.\\nWants a training for the new team.\"}");
    String contact =
        "{\"name\": \"Ann de Wit\", \"email\": \"ann@acme.example\", \"role\": \"CFO\","
            + " \"primary\": true}";
    examples.put("addContact", contact);
    examples.put("updateContact", contact);
    // Disabled in the example, so trying it out (or a fuzzer) sends nothing anywhere.
    examples.put(
        "createWebhookSubscription",
        "{\"url\": \"https://hooks.example.com/retention\","
            + " \"description\": \"Data warehouse\","
            + " \"eventTypes\": [\"run.started\", \"run.closed\"], \"enabled\": false}");
    examples.put("updateWebhookSubscription", "{\"eventTypes\": [\"*\"], \"enabled\": false}");
    examples.put("segmentTrack", SEGMENT_TRACK);
    examples.put(
        "segmentIdentify",
        "{\"userId\": \"u-123\", \"traits\": {\"customerId\": \"acme\"}, \"messageId\": \"m-2\"}");
    examples.put(
        "segmentGroup",
        "{\"userId\": \"u-123\", \"groupId\": \"acme\", \"traits\": {\"planUsage\": 0.4},"
            + " \"messageId\": \"m-3\"}");
    examples.put("segmentBatch", "{\"batch\": [" + SEGMENT_TRACK + "]}");
    examples.put("segmentBatchShort", "{\"batch\": [" + SEGMENT_TRACK + "]}");
    examples.put("segmentWebhook", SEGMENT_TRACK);
    examples.put("encodePayloads", PAYLOADS);
    examples.put("decodePayloads", PAYLOADS);
    return examples;
  }

  /**
   * Puts {@link #requestExamples} on the JSON request bodies; an example for an operation the
   * document does not have is a mistake, and fails the document.
   */
  @Bean
  OpenApiCustomizer requestBodyExamples(Clock clock) {
    return openApi -> {
      Map<String, String> examples = requestExamples(clock.instant());
      Set<String> used = new java.util.HashSet<>();
      openApi
          .getPaths()
          .values()
          .forEach(
              item ->
                  item.readOperations()
                      .forEach(
                          operation -> {
                            String example = examples.get(operation.getOperationId());
                            if (example == null
                                || operation.getRequestBody() == null
                                || operation.getRequestBody().getContent() == null) {
                              return;
                            }
                            MediaType json =
                                operation
                                    .getRequestBody()
                                    .getContent()
                                    .get(org.springframework.http.MediaType.APPLICATION_JSON_VALUE);
                            if (json != null) {
                              json.setExample(parse(example));
                              used.add(operation.getOperationId());
                            }
                          }));
      if (!used.equals(examples.keySet())) {
        throw new IllegalStateException(
            "request examples for operations without a JSON body: "
                + examples.keySet().stream().filter(id -> !used.contains(id)).sorted().toList());
      }
    };
  }

  private static Object parse(String json) {
    try {
      return io.swagger.v3.core.util.Json.mapper().readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + json, e);
    }
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
