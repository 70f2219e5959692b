package dev.retention.api.security.login;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * Single sign-on, when {@code retention.security.oidc.issuer-uri} is set: the provider is read from
 * the issuer's discovery document, and a signed-in person is matched to a login by their verified
 * email address. Nobody without a login here gets in through the provider.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!'${retention.security.oidc.issuer-uri:}'.isEmpty()")
class OidcConfiguration {

  static final String REGISTRATION_ID = "sso";

  @Bean
  ClientRegistrationRepository oidcClientRegistrations(
      @Value("${retention.security.oidc.issuer-uri}") String issuer,
      @Value("${retention.security.oidc.client-id}") String clientId,
      @Value("${retention.security.oidc.client-secret:}") String clientSecret) {
    ClientRegistration registration =
        ClientRegistrations.fromIssuerLocation(issuer)
            .registrationId(REGISTRATION_ID)
            .clientId(clientId)
            .clientSecret(clientSecret)
            .scope("openid", "email", "profile")
            .build();
    return new InMemoryClientRegistrationRepository(registration);
  }

  @Bean
  OAuth2UserService<OidcUserRequest, OidcUser> oidcPeople(People people) {
    OidcUserService standard = new OidcUserService();
    return request -> {
      OidcUser user = standard.loadUser(request);
      String email = user.getEmail();
      if (email == null || !Boolean.TRUE.equals(user.getEmailVerified())) {
        throw refused("the identity provider gave no verified email address");
      }
      People.Person person =
          people
              .findByEmail(email)
              .filter(People.Person::enabled)
              .orElseThrow(() -> refused("no login here for " + email));
      return new OidcPerson(person.caller(), user.getIdToken(), user.getUserInfo());
    };
  }

  private static OAuth2AuthenticationException refused(String why) {
    return new OAuth2AuthenticationException(new OAuth2Error("access_denied", why, null), why);
  }
}
