package dev.retention.api.security;

import dev.retention.api.security.keys.ApiKeyFilter;
import dev.retention.api.security.keys.ApiKeys;
import jakarta.servlet.DispatcherType;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every call authenticated and authorised: integration keys ({@code Authorization: Bearer}) for the
 * backend, login sessions (password, or single sign-on when configured) for people. Who may call
 * what is {@link AccessRules}; ownership is {@link Access}; every write is audited ({@code
 * security.audit}). Logins and sessions are {@code security.login}, keys {@code security.keys}.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

  @Bean
  @ConditionalOnWebApplication
  SecurityFilterChain api(
      HttpSecurity http,
      ApiKeys keys,
      JsonMapper json,
      SecurityContextRepository sessions,
      ObjectProvider<ClientRegistrationRepository> sso,
      ObjectProvider<OAuth2UserService<OidcUserRequest, OidcUser>> ssoPeople,
      dev.retention.api.problems.ProblemTexts texts)
      throws Exception {
    ProblemResponses problems = new ProblemResponses(json, texts);
    http.cors(Customizer.withDefaults())
        // Sessions (browsers) need the CSRF token on writes; keys are not ambient credentials.
        .csrf(csrf -> csrf.spa().ignoringRequestMatchers(withoutCsrf()))
        .httpBasic(basic -> basic.disable())
        .formLogin(form -> form.disable())
        .logout(logout -> logout.disable())
        .requestCache(cache -> cache.disable())
        .securityContext(context -> context.securityContextRepository(sessions))
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED))
        // A person's browser asking for a page is sent to the login page; the API answers 401
        // problem+json as before.
        .exceptionHandling(
            e ->
                e.authenticationEntryPoint(ConsolePages.entryPoint(problems))
                    .accessDeniedHandler(ConsolePages.accessDenied(problems)))
        .authorizeHttpRequests(
            authorize -> {
              // The container's error dispatch (/error) renders the error of a request that was
              // already authorised or refused on its own, such as the firewall's 400: it must
              // answer that error, not a 401 of its own.
              authorize.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll();
              for (AccessRules.Rule rule : AccessRules.RULES) {
                if (rule.isPublic()) {
                  authorize.requestMatchers(rule.matcher()).permitAll();
                } else {
                  authorize.requestMatchers(rule.matcher()).access(rule.manager());
                }
              }
              authorize.anyRequest().authenticated();
            })
        // Before the CSRF check, which needs to know whether a key authenticated the request.
        .addFilterBefore(new ApiKeyFilter(keys, problems), CsrfFilter.class)
        // Who called, for the audit entry written outside this chain (AuditFilter).
        .addFilterAfter(new CallerCapture(), SecurityContextHolderFilter.class);
    ClientRegistrationRepository registrations = sso.getIfAvailable();
    if (registrations != null) {
      http.oauth2Login(
          login ->
              login
                  .clientRegistrationRepository(registrations)
                  .loginPage(ConsolePages.LOGIN)
                  .userInfoEndpoint(user -> user.oidcUserService(ssoPeople.getObject()))
                  .defaultSuccessUrl(ConsolePages.HOME, true));
    }
    return http.build();
  }

  /** The requests a write needs no CSRF token for. */
  private static RequestMatcher[] withoutCsrf() {
    // Only a request a live integration key authenticated: any other Authorization header (Basic,
    // say) beside a session cookie is no exemption.
    RequestMatcher withKey = ApiKeyFilter::authenticatedByKey;
    // Without a session there are no ambient credentials to ride: such a write is answered by
    // authentication (401), not by CSRF.
    RequestMatcher withoutSession =
        request -> request.getRequestedSessionId() == null || !request.isRequestedSessionIdValid();
    var paths = PathPatternRequestMatcher.withDefaults();
    return new RequestMatcher[] {
      withKey,
      withoutSession,
      paths.matcher("/api/webhooks/**"),
      paths.matcher("/api/segment/v1/**"),
      paths.matcher("/api/unsubscribe"),
      paths.matcher("/api/session"),
      // Side-effect free, and its answers reach only the origins CORS allows:
      // the Temporal UI calls it with the ops person's session cookie.
      paths.matcher("/codec/**")
    };
  }
}
