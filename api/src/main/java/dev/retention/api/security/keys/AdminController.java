package dev.retention.api.security.keys;

import dev.retention.api.input.Ids;
import dev.retention.api.input.OneOf;
import dev.retention.api.input.SingleLine;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.Callers;
import dev.retention.api.security.Scope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Integration keys, for admins. A key's secret is shown once, at creation. People's logins are
 * {@code PeopleAdminController}.
 */
@Tag(name = "admin")
@RestController
class AdminController {

  private final ApiKeys keys;

  AdminController(ApiKeys keys) {
    this.keys = keys;
  }

  record KeyRequest(
      @NotBlank @SingleLine String name, @NotEmpty @Size(max = 10) List<String> scopes) {}

  @Operation(
      operationId = "createKey",
      summary = "Create an integration key",
      description =
          "Creates a key with the given scopes (events:write, customers:write, "
              + "playbooks:write, read, ops, playbook-editor, admin). The secret is in this "
              + "answer only; store it.")
  @PostMapping("/api/admin/keys")
  @ApiResponse(
      responseCode = "201",
      description = "Created; the key is in this answer only",
      useReturnTypeSchema = true)
  ResponseEntity<ApiKeys.NewKey> createKey(@Valid @RequestBody KeyRequest body) {
    Set<Scope> scopes = scopes(body.scopes());
    ApiKeys.NewKey created = keys.create(body.name().strip(), scopes, Callers.require().actor());
    return ResponseEntity.status(HttpStatus.CREATED).body(created);
  }

  @Operation(
      operationId = "listKeys",
      summary = "List integration keys",
      description = "Every integration key with its name and scopes; never the secrets.")
  @GetMapping("/api/admin/keys")
  List<ApiKeys.KeyInfo> keys() {
    return keys.list();
  }

  @Operation(
      operationId = "revokeKey",
      summary = "Revoke an integration key",
      description = "The key stops working at once.")
  @DeleteMapping("/api/admin/keys/{keyId}")
  @ApiResponse(responseCode = "204", description = "Revoked")
  ResponseEntity<Void> revoke(@PathVariable String keyId) {
    Ids.check("keyId", keyId);
    if (keys.find(keyId).isEmpty()) {
      throw ApiProblem.notFound("Key", "no integration key " + keyId);
    }
    keys.revoke(keyId);
    return ResponseEntity.noContent().build();
  }

  static Set<Scope> scopes(List<String> ids) {
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (String id : ids) {
      scopes.add(OneOf.parse("scopes", id, "scope", "scopes", Scope.values(), Scope::id));
    }
    return scopes;
  }
}
