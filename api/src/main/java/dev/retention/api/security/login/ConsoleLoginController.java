package dev.retention.api.security.login;

import dev.retention.api.security.Caller;
import dev.retention.api.security.CallerAuthentication;
import dev.retention.api.security.ConsolePages;
import dev.retention.api.security.audit.AuditTrail;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The console's login page: the same password check and session as {@code POST /api/session}, as an
 * HTML form (throttled the same way, answering 429 with the login page), plus the single sign-on
 * link when an identity provider is configured. Logout ends the session.
 */
@Controller
@Hidden
class ConsoleLoginController {

  static final int USERNAME_MAX = 200;
  static final int PASSWORD_MAX = 500;

  private final AuthenticationManager passwords;
  private final People people;
  private final SecurityContextRepository sessions;
  private final ObjectProvider<ClientRegistrationRepository> sso;
  private final LoginThrottle throttle;
  private final SecurityContextHolderStrategy contexts =
      SecurityContextHolder.getContextHolderStrategy();

  ConsoleLoginController(
      AuthenticationManager passwords,
      People people,
      SecurityContextRepository sessions,
      ObjectProvider<ClientRegistrationRepository> sso,
      LoginThrottle throttle) {
    this.passwords = passwords;
    this.people = people;
    this.sessions = sessions;
    this.sso = sso;
    this.throttle = throttle;
  }

  @GetMapping("/")
  String root() {
    return "redirect:" + ConsolePages.HOME;
  }

  @GetMapping(ConsolePages.LOGIN)
  String page(Model model) {
    model.addAttribute("sso", sso.getIfAvailable() != null);
    return "console/login";
  }

  @PostMapping(ConsolePages.LOGIN)
  String login(
      @RequestParam(defaultValue = "") String username,
      @RequestParam(defaultValue = "") String password,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    String name = username.strip();
    AuditTrail.attemptedActor(name.length() > USERNAME_MAX ? "" : name);
    boolean wellFormed =
        !name.isEmpty()
            && name.length() <= USERNAME_MAX
            && !password.isEmpty()
            && password.length() <= PASSWORD_MAX;
    // An empty or oversized form is no guess at a password: refused below, and not counted.
    LoginThrottle.Attempt attempt =
        wellFormed ? throttle.attempt(name, request.getRemoteAddr()) : null;
    if (attempt != null && attempt.refused()) {
      response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
      response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(attempt.retryAfterSeconds()));
      model.addAttribute("sso", sso.getIfAvailable() != null);
      model.addAttribute("tooMany", (attempt.retryAfterSeconds() + 59) / 60);
      model.addAttribute("username", name);
      return "console/login";
    }
    try {
      if (attempt == null) {
        throw new org.springframework.security.authentication.BadCredentialsException("empty");
      }
      passwords.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(name, password));
    } catch (AuthenticationException e) {
      response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
      model.addAttribute("sso", sso.getIfAvailable() != null);
      model.addAttribute("failed", true);
      model.addAttribute("username", name.length() > USERNAME_MAX ? "" : name);
      return "console/login";
    }
    attempt.succeeded();
    Caller caller =
        people
            .find(name)
            .orElseThrow(() -> new IllegalStateException("login vanished: " + name))
            .caller();
    // A new session id at login, so a session id planted before cannot be ridden.
    if (request.getSession(false) != null) {
      request.changeSessionId();
    }
    SecurityContext context = contexts.createEmptyContext();
    context.setAuthentication(new CallerAuthentication(caller));
    contexts.setContext(context);
    sessions.saveContext(context, request, response);
    return "redirect:" + ConsolePages.HOME;
  }

  @PostMapping("/console/logout")
  String logout(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    if (session != null) {
      session.invalidate();
    }
    contexts.clearContext();
    return "redirect:" + ConsolePages.LOGIN + "?logout";
  }
}
