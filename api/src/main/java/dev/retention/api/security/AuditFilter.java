package dev.retention.api.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Writes one audit entry per write request (POST, PUT, PATCH, DELETE) once it has been answered,
 * refused ones included: who (key or person), what (method and route), which customer and run, and
 * the result, whether it came through the API or the console's forms. Provider webhooks and
 * unsubscribe links are recorded in their own tables. The console's login form is audited like
 * {@code POST /api/session}, so password guesses show up whichever way they come.
 */
class AuditFilter extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(AuditFilter.class);
  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

  private final AuditLog audit;

  AuditFilter(AuditLog audit) {
    this.audit = audit;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return !WRITES.contains(request.getMethod())
        || !(path.startsWith("/api/")
            || path.startsWith("/codec/")
            || path.startsWith("/console/")
            || path.equals(ConsolePages.LOGIN))
        || path.startsWith("/api/webhooks/")
        || path.startsWith("/api/unsubscribe");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    boolean failed = true;
    try {
      chain.doFilter(request, response);
      failed = false;
    } finally {
      record(request, failed ? 500 : response.getStatus());
    }
  }

  private void record(HttpServletRequest request, int status) {
    Caller caller = Callers.current().orElse(null);
    String kind = caller == null ? "ANONYMOUS" : caller.kind().name();
    String actor = caller == null ? AuditTrail.get(request, AuditTrail.ACTOR) : caller.id();
    Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
    String route = pattern instanceof String p ? p : request.getRequestURI();
    String action = request.getMethod() + " " + truncate(route, 200);
    @SuppressWarnings("unchecked")
    Map<String, String> variables =
        request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE) instanceof Map<?, ?> m
            ? (Map<String, String>) m
            : Map.of();
    String customer =
        first(AuditTrail.get(request, AuditTrail.CUSTOMER), variables.get("customerId"));
    String workflow =
        first(AuditTrail.get(request, AuditTrail.WORKFLOW), variables.get("workflowId"));
    try {
      audit.append(
          kind,
          truncate(actor, 200),
          action,
          truncate(customer, 64),
          truncate(workflow, 200),
          status,
          result(status));
    } catch (RuntimeException e) {
      // The write itself has happened; losing its audit entry must not go unnoticed.
      log.error("AUDIT ENTRY LOST: {} by {}:{} status {}", action, kind, actor, status, e);
    }
  }

  private static String result(int status) {
    if (status < 400) {
      return "OK";
    }
    return switch (status) {
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "DENIED";
      default -> status >= 500 ? "ERROR" : "REFUSED";
    };
  }

  private static String first(String a, String b) {
    return a != null ? a : b;
  }

  /** Bounded and on one line: these values can come straight from a hostile request. */
  private static String truncate(String s, int max) {
    if (s == null) {
      return null;
    }
    String line = s.replaceAll("\\p{Cntrl}", "?");
    return line.length() <= max ? line : line.substring(0, max);
  }
}
