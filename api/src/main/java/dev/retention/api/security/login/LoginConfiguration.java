package dev.retention.api.security.login;

import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.context.SecurityContextRepository;

/** People's password logins and where their sessions keep who they are. */
@Configuration(proxyBeanMethods = false)
class LoginConfiguration {

  /** In the HTTP session (PostgreSQL, {@link PeopleSessions}), for people only: never a key. */
  @Bean
  SecurityContextRepository securityContextRepository() {
    return PeopleSessions.contexts();
  }

  /**
   * BCrypt, its cost from {@code retention.security.password-strength} (log2 of the rounds, 10 by
   * default, as Spring Security's own default). A stored hash carries its own cost, so raising the
   * strength later still checks every older password and hashes new ones at the new cost. The tests
   * run at 4: they make and log in people all the time and need no slow hash.
   */
  @Bean
  PasswordEncoder passwordEncoder(
      @Value("${retention.security.password-strength:10}") int strength) {
    if (strength < 4 || strength > 31) {
      throw new IllegalStateException(
          "retention.security.password-strength must be between 4 and 31, was " + strength);
    }
    return new DelegatingPasswordEncoder(
        "bcrypt", Map.of("bcrypt", new BCryptPasswordEncoder(strength)));
  }

  @Bean
  UserDetailsService peopleWithPasswords(People people) {
    return username ->
        people
            .passwordHash(username)
            .map(hash -> User.withUsername(username).password(hash).roles("PERSON").build())
            .orElseThrow(() -> new UsernameNotFoundException("no login " + username));
  }

  @Bean
  AuthenticationManager passwordLogins(UserDetailsService users, PasswordEncoder encoder) {
    DaoAuthenticationProvider provider = new DaoAuthenticationProvider(users);
    provider.setPasswordEncoder(encoder);
    return new ProviderManager(provider);
  }
}
