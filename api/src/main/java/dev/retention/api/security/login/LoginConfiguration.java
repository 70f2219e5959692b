package dev.retention.api.security.login;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
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

  @Bean
  PasswordEncoder passwordEncoder() {
    return PasswordEncoderFactories.createDelegatingPasswordEncoder();
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
