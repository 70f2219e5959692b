package dev.retention.api.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <integration key>}. A request without the header
 * passes on (a session may authenticate it, or the entry point answers 401); a header with a key
 * that is not live answers 401 at once. Keys never create a session.
 */
class ApiKeyFilter extends OncePerRequestFilter {

  private final ApiKeys keys;
  private final ProblemResponses problems;
  private final SecurityContextHolderStrategy contexts =
      SecurityContextHolder.getContextHolderStrategy();

  ApiKeyFilter(ApiKeys keys, ProblemResponses problems) {
    this.keys = keys;
    this.problems = problems;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      chain.doFilter(request, response);
      return;
    }
    Optional<Caller> caller;
    try {
      caller = keys.authenticate(header.substring(7).strip());
    } catch (DataAccessException e) {
      logger.error("cannot check an integration key: the database is unavailable", e);
      problems.write(
          response,
          HttpStatus.SERVICE_UNAVAILABLE,
          "Service unavailable",
          "credentials cannot be checked now (the database is unavailable); retry later");
      return;
    }
    if (caller.isEmpty()) {
      problems.commence(request, response, new BadCredentialsException("integration key"));
      return;
    }
    SecurityContext context = contexts.createEmptyContext();
    context.setAuthentication(new CallerAuthentication(caller.get()));
    contexts.setContext(context);
    chain.doFilter(request, response);
  }
}
