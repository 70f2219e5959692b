package dev.retention.api.security.login;

import dev.retention.api.security.Caller;
import java.util.List;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;

/** A person signed in through the identity provider, with the {@link Caller} they are here. */
public class OidcPerson extends DefaultOidcUser {

  private static final long serialVersionUID = 1L;

  private final Caller caller;

  OidcPerson(Caller caller, OidcIdToken idToken, OidcUserInfo userInfo) {
    super(
        List.of(new SimpleGrantedAuthority("ROLE_" + caller.role().name())),
        idToken,
        userInfo,
        "email");
    this.caller = caller;
  }

  public Caller caller() {
    return caller;
  }

  /**
   * The person here ({@code person:<username>}), not the provider's email address: the name their
   * session is indexed by, the same as for a password login, so ending a person's sessions ends
   * these too.
   */
  @Override
  public String getName() {
    return caller.actor();
  }
}
