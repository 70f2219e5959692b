package dev.retention.api.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The OpenAPI document is one a client generator can use (every operation summarised, described,
 * tagged and named for what it does, request bodies with examples), and Swagger UI loads it for a
 * browser that is not logged in yet, so that it can say how to log in.
 */
@ApiTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDocumentTest {

  /** A method name a generator keeps as is: no {@code put_1}, no {@code list1}. */
  static final Pattern OPERATION_ID = Pattern.compile("^[a-z][A-Za-z0-9]*[A-Za-z]$");

  static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

  @LocalServerPort int port;
  JsonNode document;

  @BeforeAll
  void fetch() {
    Response response = new HttpApi(port).get("/v3/api-docs");
    assertThat(response.status()).isEqualTo(200);
    document = response.body();
  }

  /** What a created note or contact, and a removed contact, answer is documented (schemathesis). */
  @Test
  void createdAndRemoved_areDocumentedAsTheyAnswer() {
    JsonNode paths = document.path("paths");
    assertThat(
            paths
                .path("/api/customers/{customerId}/notes")
                .path("post")
                .path("responses")
                .has("201"))
        .isTrue();
    assertThat(
            paths
                .path("/api/customers/{customerId}/contacts")
                .path("post")
                .path("responses")
                .has("201"))
        .isTrue();
    assertThat(
            paths
                .path("/api/customers/{customerId}/contacts/{contactId}")
                .path("delete")
                .path("responses")
                .has("204"))
        .isTrue();
  }

  record Operation(String method, String path, JsonNode node) {
    @Override
    public String toString() {
      return method.toUpperCase(java.util.Locale.ROOT) + " " + path;
    }
  }

  List<Operation> operations() {
    List<Operation> operations = new ArrayList<>();
    document
        .path("paths")
        .properties()
        .forEach(
            path ->
                path.getValue()
                    .properties()
                    .forEach(
                        method -> {
                          if (METHODS.contains(method.getKey())) {
                            operations.add(
                                new Operation(method.getKey(), path.getKey(), method.getValue()));
                          }
                        }));
    return operations;
  }

  @Test
  void everyOperation_hasASummaryADescriptionAUniqueNameAndATag() {
    List<Operation> operations = operations();
    assertThat(operations).hasSizeGreaterThan(40);
    Set<String> declaredTags = new HashSet<>();
    document.path("tags").forEach(tag -> declaredTags.add(tag.path("name").asText()));
    Map<String, Operation> byId = new HashMap<>();
    List<String> faults = new ArrayList<>();
    for (Operation operation : operations) {
      JsonNode node = operation.node();
      if (node.path("summary").asText().isBlank()) {
        faults.add(operation + ": no summary");
      }
      if (node.path("description").asText().isBlank()) {
        faults.add(operation + ": no description");
      }
      String id = node.path("operationId").asText();
      if (!OPERATION_ID.matcher(id).matches()) {
        faults.add(operation + ": operationId '" + id + "' is not a plain method name");
      }
      Operation other = byId.put(id, operation);
      if (other != null) {
        faults.add(operation + ": operationId '" + id + "' is also " + other);
      }
      if (node.path("tags").isEmpty()) {
        faults.add(operation + ": no tag");
      }
      node.path("tags")
          .forEach(
              tag -> {
                if (!declaredTags.contains(tag.asText())) {
                  faults.add(operation + ": tag '" + tag.asText() + "' is not described");
                }
              });
    }
    assertThat(faults).isEmpty();
    document
        .path("tags")
        .forEach(
            tag -> assertThat(tag.path("description").asText()).as(tag.toString()).isNotBlank());
  }

  @Test
  void operationsAreNamedForWhatTheyDo() {
    Map<String, String> named = new HashMap<>();
    operations().forEach(o -> named.put(o.toString(), o.node().path("operationId").asText()));
    assertThat(named)
        .containsEntry("POST /api/playbooks", "startPlaybook")
        .containsEntry("POST /api/playbooks/dry-run", "dryRunPlaybook")
        .containsEntry("POST /api/playbooks/{workflowId}/outcomes", "recordOutcome")
        .containsEntry("GET /api/playbooks/{workflowId}", "getRun")
        .containsEntry("GET /api/playbooks", "listRuns")
        .containsEntry("DELETE /api/playbooks/{workflowId}", "cancelRun")
        .containsEntry("PUT /api/customers/{customerId}", "upsertCustomer")
        .containsEntry("PUT /api/csms/{csmId}", "upsertCsm")
        .containsEntry("GET /api/tasks", "listTasks")
        // .ci/schemathesis leaves out the key revocation by this name.
        .containsEntry("DELETE /api/admin/keys/{keyId}", "revokeKey");
  }

  /** A nullable reference is "the referenced shape or null", never "the shape or anything". */
  @Test
  void nullableReferences_sayNull() {
    List<String> wrong = new ArrayList<>();
    document
        .path("components")
        .path("schemas")
        .properties()
        .forEach(
            schema ->
                schema
                    .getValue()
                    .path("properties")
                    .properties()
                    .forEach(
                        property -> {
                          JsonNode oneOf = property.getValue().path("oneOf");
                          for (JsonNode branch : oneOf) {
                            if (!branch.isObject()) {
                              wrong.add(schema.getKey() + "." + property.getKey() + ": " + oneOf);
                            }
                          }
                        }));
    assertThat(wrong).isEmpty();
  }

  @Test
  void jsonRequestBodies_comeWithAnExample() {
    List<String> missing = new ArrayList<>();
    for (Operation operation : operations()) {
      JsonNode json = operation.node().at("/requestBody/content/application~1json");
      if (json.isMissingNode()
          || operation.path().startsWith("/api/webhooks/")
          || operation.node().path("operationId").asText().equals("createKey")) {
        // Webhook bodies are the providers' own, signed byte for byte. createKey has none: with
        // an example on its body, schemathesis 4's fuzzer (.ci/schemathesis) stops on an internal
        // Hypothesis error for that operation.
        continue;
      }
      if (json.path("example").isMissingNode() && json.path("examples").isEmpty()) {
        missing.add(operation.toString());
      }
    }
    assertThat(missing).isEmpty();
  }

  @Test
  void swaggerUi_loadsItsConfigurationAndTheDocumentWithoutALogin() {
    HttpApi anonymous = new HttpApi(port).anonymous();
    Response config = anonymous.get("/v3/api-docs/swagger-config");
    assertThat(config.status()).isEqualTo(200);
    assertThat(config.body().path("url").asText()).isEqualTo("/v3/api-docs");

    Response open = anonymous.get("/v3/api-docs");
    assertThat(open.status()).isEqualTo(200);
    String howToLogIn = open.body().path("info").path("description").asText();
    assertThat(howToLogIn).contains("Authorize", "POST /api/session", "rpk_");
    assertThat(open.body().at("/components/securitySchemes/integrationKey").isMissingNode())
        .isFalse();
    // What the document describes still needs credentials.
    assertThat(anonymous.get("/api/playbooks").status()).isEqualTo(401);
  }
}
