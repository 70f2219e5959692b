package dev.retention.api.runtime;

import dev.retention.api.problems.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * In {@code retention.role=worker} the app runs Temporal workers only: every HTTP path but {@code
 * /actuator/health} answers 404, so a worker behind a load balancer by mistake serves no API.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
@ConditionalOnProperty(name = "retention.role", havingValue = "worker")
class WorkerRoleFilter extends OncePerRequestFilter {

  private final ProblemWriter problems;

  WorkerRoleFilter(ProblemWriter problems) {
    this.problems = problems;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return path.equals("/actuator/health") || path.startsWith("/actuator/health/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    problems.write(
        response,
        ProblemWriter.problem(
            HttpStatus.NOT_FOUND,
            "Not found",
            "this instance runs Temporal workers only (retention.role=worker); the API is served"
                + " by instances with retention.role api or both",
            null));
  }
}
