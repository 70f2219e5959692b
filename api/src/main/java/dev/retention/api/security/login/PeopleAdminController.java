package dev.retention.api.security.login;

import dev.retention.api.input.Ids;
import dev.retention.api.input.OneOf;
import dev.retention.api.input.SingleLine;
import dev.retention.api.input.TextRules;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.Role;
import dev.retention.data.customers.CustomerDirectory;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** People's logins, for admins: create or change, list, disable, and clear failed attempts. */
@Tag(name = "admin")
@RestController
class PeopleAdminController {

  private final People people;
  private final CustomerDirectory directory;
  private final PasswordEncoder passwords;
  private final LoginThrottle throttle;
  private final PeopleSessions sessions;

  PeopleAdminController(
      People people,
      CustomerDirectory directory,
      PasswordEncoder passwords,
      LoginThrottle throttle,
      PeopleSessions sessions) {
    this.people = people;
    this.directory = directory;
    this.passwords = passwords;
    this.throttle = throttle;
    this.sessions = sessions;
  }

  record PersonRequest(
      @NotBlank @SingleLine String name,
      @NotBlank @Email @SingleLine String email,
      @NotBlank @SingleLine(max = TextRules.ID_MAX) String role,
      @SingleLine(max = TextRules.ID_MAX) String csmId,
      @Size(min = 12) @SingleLine String password,
      Boolean playbookEditor) {}

  @Operation(
      operationId = "upsertPerson",
      summary = "Create or change a login",
      description =
          "A person who logs in to the console or the API with a session: name, email, "
              + "role (CSM, MANAGER, ADMIN), the CSM record of a CSM login, and a password of "
              + "at least 12 characters; playbookEditor grants (or withdraws) the permission to "
              + "change and publish playbook definitions (admins always have it). A new "
              + "password, role, CSM, email or permission ends their sessions.")
  @PutMapping("/api/admin/people/{username}")
  @ApiResponse(responseCode = "200", description = "Changed", useReturnTypeSchema = true)
  @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
  ResponseEntity<People.Person> putPerson(
      @PathVariable String username, @Valid @RequestBody PersonRequest body) {
    Ids.check("username", username);
    Role role = OneOf.parse("role", body.role(), "role", "roles", Role.values());
    if (role == Role.CSM && body.csmId() == null) {
      throw ApiProblem.invalid("csmId", "a CSM login needs the csmId of its CSM record");
    }
    if (body.csmId() != null) {
      Ids.check("csmId", body.csmId());
      if (directory.findCsm(body.csmId()).isEmpty()) {
        throw ApiProblem.notFound("CSM", "csmId " + body.csmId() + " is unknown");
      }
    }
    people
        .findByEmail(body.email())
        .filter(other -> !other.username().equals(username))
        .ifPresent(
            other -> {
              throw ApiProblem.conflict(
                  "Email in use",
                  "email " + body.email() + " already belongs to login " + other.username(),
                  null);
            });
    String hash = body.password() == null ? null : passwords.encode(body.password());
    Optional<People.Person> before = people.find(username);
    boolean created =
        people.upsert(username, body.name().strip(), body.email(), role, body.csmId(), hash);
    // A session holds who the person was when they logged in: a new password, role, CSM or
    // address ends every session they have, on every instance, so none goes on as before.
    if (before.isPresent()
        && (hash != null
            || before.get().role() != role
            || !Objects.equals(before.get().csmId(), body.csmId())
            || !before.get().email().equalsIgnoreCase(body.email())
            || (body.playbookEditor() != null
                && body.playbookEditor() != before.get().playbookEditor()))) {
      sessions.endAll(username);
    }
    if (body.playbookEditor() != null) {
      var unused = people.grantPlaybookEditor(username, body.playbookEditor());
    }
    return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK)
        .body(people.find(username).orElseThrow());
  }

  @Operation(
      operationId = "listPeople",
      summary = "List logins",
      description = "Every person who may log in, with their role and CSM record; never passwords.")
  @GetMapping("/api/admin/people")
  List<People.Person> people() {
    return people.list();
  }

  @Operation(
      operationId = "disablePerson",
      summary = "Disable a login",
      description = "The person can no longer log in; their open sessions end.")
  @DeleteMapping("/api/admin/people/{username}")
  @ApiResponse(responseCode = "204", description = "Disabled")
  ResponseEntity<Void> disable(@PathVariable String username) {
    Ids.check("username", username);
    if (people.find(username).isEmpty()) {
      throw ApiProblem.notFound("Login", "no login " + username);
    }
    people.disable(username);
    // Disabled means out at once: every session of theirs ends, on every instance.
    sessions.endAll(username);
    return ResponseEntity.noContent().build();
  }

  /**
   * Unlocks a username locked out by failed logins (anyone can lock one, by guessing): its count is
   * forgotten, whether or not such a login exists (unknown usernames are counted too).
   */
  @Operation(
      operationId = "unlockPerson",
      summary = "Clear a login's failed attempts",
      description =
          "Forgets the username's failed logins (whether or not such a login exists), so "
              + "it may log in again at once.")
  @DeleteMapping("/api/admin/people/{username}/login-failures")
  @ApiResponse(
      responseCode = "204",
      description = "The username's failed logins are forgotten: it may log in again at once")
  ResponseEntity<Void> unlock(@PathVariable String username) {
    Ids.check("username", username);
    throttle.unlock(username);
    return ResponseEntity.noContent().build();
  }
}
