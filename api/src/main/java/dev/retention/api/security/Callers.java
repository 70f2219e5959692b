package dev.retention.api.security;

import dev.retention.api.security.login.OidcPerson;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** The {@link Caller} of the current request, whichever way it authenticated. */
public final class Callers {

  private Callers() {}

  public static Optional<Caller> of(Authentication authentication) {
    if (authentication == null) {
      return Optional.empty();
    }
    if (authentication.getPrincipal() instanceof Caller caller) {
      return Optional.of(caller);
    }
    if (authentication.getPrincipal() instanceof OidcPerson person) {
      return Optional.of(person.caller());
    }
    return Optional.empty();
  }

  public static Optional<Caller> current() {
    return of(SecurityContextHolder.getContext().getAuthentication());
  }

  /** The caller of a request that passed the security filter chain (never anonymous there). */
  public static Caller require() {
    return current()
        .orElseThrow(() -> new IllegalStateException("no authenticated caller on this request"));
  }
}
