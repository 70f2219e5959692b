package dev.retention.api.security.login;

import dev.retention.api.input.SingleLine;
import dev.retention.api.input.TextRules;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.Caller;
import dev.retention.api.security.CallerAuthentication;
import dev.retention.api.security.Callers;
import dev.retention.api.security.Scope;
import dev.retention.api.security.audit.AuditTrail;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Login sessions for people: {@code POST /api/session} with a username and password answers who you
 * are and sets the session cookie; {@code GET} says who the caller is (keys too); {@code DELETE}
 * logs out. Writes with a session also need the CSRF token (cookie {@code XSRF-TOKEN}, header
 * {@code X-XSRF-TOKEN}). Too many failed logins are refused with 429 ({@link LoginThrottle}).
 */
@Tag(name = "session")
@RestController
class SessionController {

  private final AuthenticationManager passwords;
  private final People people;
  private final SecurityContextRepository sessions;
  private final LoginThrottle throttle;
  private final SecurityContextHolderStrategy contexts =
      SecurityContextHolder.getContextHolderStrategy();

  SessionController(
      AuthenticationManager passwords,
      People people,
      SecurityContextRepository sessions,
      LoginThrottle throttle) {
    this.passwords = passwords;
    this.people = people;
    this.sessions = sessions;
    this.throttle = throttle;
  }

  record Login(
      @NotBlank @SingleLine(max = TextRules.ID_MAX) String username,
      @NotBlank @SingleLine String password) {}

  record Me(
      String actor,
      String kind,
      String id,
      String name,
      String role,
      String csmId,
      String email,
      List<String> scopes) {
    static Me of(Caller c) {
      return new Me(
          c.actor(),
          c.kind().name(),
          c.id(),
          c.name(),
          c.role() == null ? null : c.role().name(),
          c.csmId(),
          c.email(),
          c.scopes().stream().map(Scope::id).sorted().toList());
    }
  }

  @Operation(
      operationId = "login",
      summary = "Log in",
      description =
          "Starts a session for a person (username and password). The session cookie "
              + "(JSESSIONID) authenticates later calls; writes also send the XSRF-TOKEN "
              + "cookie's value as the X-XSRF-TOKEN header. Repeated failures answer 429 with "
              + "Retry-After.")
  @PostMapping("/api/session")
  @ApiResponse(
      responseCode = "200",
      description = "Logged in: who you are; the session cookie is set",
      useReturnTypeSchema = true)
  @ApiResponse(
      responseCode = "429",
      description =
          "Too many failed logins for this username or from this address: refused without"
              + " checking the password, until Retry-After",
      headers =
          @Header(
              name = "Retry-After",
              description = "seconds until the next attempt may be made",
              schema = @Schema(type = "integer")),
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(ref = "#/components/schemas/Problem")))
  Me login(
      @Valid @RequestBody Login body, HttpServletRequest request, HttpServletResponse response) {
    AuditTrail.attemptedActor(body.username());
    LoginThrottle.Attempt attempt = throttle.attempt(body.username(), request.getRemoteAddr());
    if (attempt.refused()) {
      throw attempt.refusal();
    }
    try {
      passwords.authenticate(
          UsernamePasswordAuthenticationToken.unauthenticated(body.username(), body.password()));
    } catch (AuthenticationException e) {
      // The same answer for an unknown username, a wrong password and a disabled login.
      throw new ApiProblem(
          HttpStatus.UNAUTHORIZED,
          "Login failed",
          "the username or the password is wrong, or the login is disabled",
          null,
          null);
    }
    attempt.succeeded();
    Caller caller =
        people
            .find(body.username())
            .orElseThrow(() -> new IllegalStateException("login vanished: " + body.username()))
            .caller();
    // A new session id at login, so a session id planted before cannot be ridden.
    HttpSession existing = request.getSession(false);
    if (existing != null) {
      request.changeSessionId();
    }
    SecurityContext context = contexts.createEmptyContext();
    context.setAuthentication(new CallerAuthentication(caller));
    contexts.setContext(context);
    sessions.saveContext(context, request, response);
    return Me.of(caller);
  }

  @Operation(
      operationId = "getSession",
      summary = "Who am I",
      description =
          "The caller: a person's session or an integration key, with role, CSM record and scopes.")
  @GetMapping("/api/session")
  Me me() {
    return Me.of(Callers.require());
  }

  @Operation(
      operationId = "logout",
      summary = "Log out",
      description = "Ends the caller's session.")
  @DeleteMapping("/api/session")
  @ApiResponse(responseCode = "204", description = "Logged out")
  ResponseEntity<Void> logout(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    if (session != null) {
      session.invalidate();
    }
    contexts.clearContext();
    return ResponseEntity.noContent().build();
  }
}
