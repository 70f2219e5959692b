package dev.retention.api.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * An authenticated {@link Caller}: {@code SCOPE_…} authorities for keys, {@code ROLE_…} for people.
 */
public final class CallerAuthentication extends AbstractAuthenticationToken {

  private static final long serialVersionUID = 1L;

  private final Caller caller;

  public CallerAuthentication(Caller caller) {
    super(authorities(caller));
    this.caller = caller;
    setAuthenticated(true);
  }

  private static List<GrantedAuthority> authorities(Caller caller) {
    if (caller.isKey()) {
      return caller.scopes().stream()
          .map(s -> (GrantedAuthority) new SimpleGrantedAuthority("SCOPE_" + s.id()))
          .toList();
    }
    return List.of(new SimpleGrantedAuthority("ROLE_" + caller.role().name()));
  }

  @Override
  public Object getCredentials() {
    return null;
  }

  @Override
  public Caller getPrincipal() {
    return caller;
  }

  @Override
  public String getName() {
    return caller.actor();
  }
}
