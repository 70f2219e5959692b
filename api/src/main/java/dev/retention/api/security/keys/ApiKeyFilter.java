package dev.retention.api.security.keys;

import dev.retention.api.security.Caller;
import dev.retention.api.security.CallerAuthentication;
import dev.retention.api.security.ConsolePages;
import dev.retention.api.security.ProblemResponses;
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
 * that is not live answers 401 at once.
 *
 * <p>Keys are stateless: the key's caller is this request's security context only. It is never
 * saved into a session ({@link PeopleSessions} refuses to), so no session is opened for a key and a
 * revoked key is refused at once. The console is for people: a key sent to it is refused (401)
 * whatever its scopes, before it is looked up.
 *
 * <p>Runs before the CSRF check, which it exempts from: only a request a live key authenticated
 * skips CSRF ({@link #authenticatedByKey}); any other {@code Authorization} header does not.
 */
public class ApiKeyFilter extends OncePerRequestFilter {

  private static final String BY_KEY = ApiKeyFilter.class.getName() + ".authenticated";

  private final ApiKeys keys;
  private final ProblemResponses problems;
  private final SecurityContextHolderStrategy contexts =
      SecurityContextHolder.getContextHolderStrategy();

  public ApiKeyFilter(ApiKeys keys, ProblemResponses problems) {
    this.keys = keys;
    this.problems = problems;
  }

  /** True for a request whose {@code Authorization: Bearer} key was live: it skips CSRF. */
  public static boolean authenticatedByKey(HttpServletRequest request) {
    return request.getAttribute(BY_KEY) != null;
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
    if (ConsolePages.isForPeople(request)) {
      problems.write(
          response,
          HttpStatus.UNAUTHORIZED,
          "Authentication required",
          "the console is for people: integration keys are not accepted here; log in at "
              + ConsolePages.LOGIN
              + ", or call the API (/api/**) with the key");
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
    request.setAttribute(BY_KEY, true);
    chain.doFilter(request, response);
  }
}
