package dev.retention.api.problems;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.SQLTransientConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.session.web.http.SessionRepositoryFilter;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A login session is read from PostgreSQL before Spring MVC runs: when the database is down, that
 * read fails in a filter, where {@link ProblemHandler} cannot answer it. This filter, just outside
 * the session filter, answers such a request 503 problem+json like the API's own, at once, rather
 * than a 500 after a second wait in the container's error dispatch.
 */
@Component
class DatabaseDownFilter extends OncePerRequestFilter implements Ordered {

  private static final Logger log = LoggerFactory.getLogger(DatabaseDownFilter.class);

  private final ProblemWriter writer;

  DatabaseDownFilter(ProblemWriter writer) {
    this.writer = writer;
  }

  @Override
  public int getOrder() {
    return SessionRepositoryFilter.DEFAULT_ORDER - 1;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    try {
      chain.doFilter(request, response);
    } catch (ServletException | IOException | RuntimeException e) {
      if (!databaseDown(e) || response.isCommitted()) {
        throw e;
      }
      log.error("database unavailable for {} {}", request.getMethod(), request.getRequestURI(), e);
      writer.write(
          response,
          ProblemWriter.problem(
              HttpStatus.SERVICE_UNAVAILABLE,
              "Service unavailable",
              "the database is unavailable; nothing was changed, retry later",
              null));
    }
  }

  static boolean databaseDown(Throwable exception) {
    for (Throwable t = exception; t != null; t = t.getCause()) {
      if (t instanceof DataAccessResourceFailureException
          || t instanceof CannotCreateTransactionException
          || t instanceof SQLTransientConnectionException) {
        return true;
      }
    }
    return false;
  }
}
