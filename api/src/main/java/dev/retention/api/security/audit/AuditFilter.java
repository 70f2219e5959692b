package dev.retention.api.security.audit;

import dev.retention.api.security.Access;
import dev.retention.api.security.Caller;
import dev.retention.api.security.Callers;
import dev.retention.api.security.ConsolePages;
import dev.retention.api.security.keys.ApiKeys;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * Writes one audit entry per write request (POST, PUT, PATCH, DELETE) once it has been answered,
 * refused ones above all: who (key or person), what (method and route), which customer and run, and
 * the result, whether it came through the API or the console's forms. It runs outside everything
 * else (the body-size limit, the request firewall, the security filter chain), so a write refused
 * by any of them (413, the firewall's 400, a bad or revoked key's 401, a CSRF or scope 403) is in
 * the log like an accepted one. Who called is captured inside the security chain by {@link
 * CallerCapture}; a route refused before Spring MVC saw it is looked up for its customer and run.
 * Provider webhooks, Segment's events and unsubscribe links are recorded in their own tables. The
 * console's login form is audited like {@code POST /api/session}, so password guesses show up
 * whichever way they come.
 */
class AuditFilter extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(AuditFilter.class);
  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

  private final AuditLog audit;
  private final ObjectProvider<RequestMappingHandlerMapping> routes;

  AuditFilter(AuditLog audit, ObjectProvider<RequestMappingHandlerMapping> routes) {
    this.audit = audit;
    this.routes = routes;
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
        || path.startsWith("/api/segment/v1/")
        || path.startsWith("/api/unsubscribe");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    int status = 500;
    try {
      chain.doFilter(request, new HeldUntilAudited(response));
      status = response.getStatus();
    } catch (RequestRejectedException e) {
      // The firewall's refusal; the container's error page answers it 400.
      status = 400;
      throw e;
    } finally {
      record(request, status);
    }
  }

  private void record(HttpServletRequest request, int status) {
    Caller caller =
        request.getAttribute(AuditTrail.CALLER) instanceof Caller c
            ? c
            : Callers.current().orElse(null);
    Optional<String> presentedKey = caller == null ? presentedKey(request) : Optional.empty();
    String kind =
        caller != null
            ? caller.kind().name()
            : presentedKey.isPresent() ? Caller.Kind.KEY.name() : "ANONYMOUS";
    String actor =
        caller != null
            ? caller.id()
            : presentedKey.orElseGet(() -> AuditTrail.get(request, AuditTrail.ACTOR));
    if (status >= 400
        && !(request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE)
            instanceof String)) {
      lookUpRoute(request);
    }
    Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
    String route = pattern instanceof String p ? p : request.getRequestURI();
    String action = request.getMethod() + " " + truncate(route, 200);
    @SuppressWarnings("unchecked")
    Map<String, String> variables =
        request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE) instanceof Map<?, ?> m
            ? (Map<String, String>) m
            : Map.of();
    String workflow =
        first(AuditTrail.get(request, AuditTrail.WORKFLOW), variables.get("workflowId"));
    String customer =
        first(
            first(AuditTrail.get(request, AuditTrail.CUSTOMER), variables.get("customerId")),
            workflow == null ? null : Access.customerOf(workflow).orElse(null));
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
      // The write itself has happened (or was refused); losing its entry must not go unnoticed.
      log.error("AUDIT ENTRY LOST: {} by {}:{} status {}", action, kind, actor, status, e);
    }
  }

  /**
   * The id of the integration key a request presented but that did not authenticate it (revoked,
   * unknown, wrong secret, or refused before it was checked, such as for its body size): attempts
   * are attributed to the key they claim, and the status says they were refused. Never the secret.
   */
  private static Optional<String> presentedKey(HttpServletRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    return ApiKeys.idOf(header.substring(7).strip());
  }

  /**
   * A request refused before Spring MVC chose its handler (a missing scope, CSRF, a bad key, the
   * body limit) has no route yet: ask the handler mapping which one it names, for its pattern and
   * path variables (the customer and run the refused write was about).
   */
  private void lookUpRoute(HttpServletRequest request) {
    boolean parsedHere = !ServletRequestPathUtils.hasParsedRequestPath(request);
    try {
      RequestMappingHandlerMapping mapping = routes.getIfAvailable();
      if (mapping == null) {
        return;
      }
      if (parsedHere) {
        ServletRequestPathUtils.parseAndCache(request);
      }
      mapping.getHandler(request);
    } catch (Exception e) {
      // No route (or a path the firewall refused): the entry keeps the raw URI.
    } finally {
      if (parsedHere) {
        ServletRequestPathUtils.clearParsedRequestPath(request);
      }
    }
  }

  /**
   * The answer reaches the caller only once its audit entry is written: flushes and closes by the
   * layers inside (a filter's problem answer, a message converter) are held, so the response is
   * committed when the container finishes the request, after this filter. A caller that reads the
   * audit log right after a refusal finds it there. (A body larger than the container's buffer is
   * sent as it grows, as before; its end still waits.)
   */
  private static final class HeldUntilAudited extends HttpServletResponseWrapper {

    private ServletOutputStream stream;
    private PrintWriter writer;

    HeldUntilAudited(HttpServletResponse response) {
      super(response);
    }

    @Override
    public void flushBuffer() {
      // held: see the class comment
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
      if (stream == null) {
        ServletOutputStream out = super.getOutputStream();
        stream =
            new ServletOutputStream() {
              @Override
              public void write(int b) throws IOException {
                out.write(b);
              }

              @Override
              public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
              }

              @Override
              public void flush() {
                // held
              }

              @Override
              public void close() {
                // held: the container closes it when the request is done
              }

              @Override
              public boolean isReady() {
                return out.isReady();
              }

              @Override
              public void setWriteListener(WriteListener listener) {
                out.setWriteListener(listener);
              }
            };
      }
      return stream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
      if (writer == null) {
        // PrintWriter over a Writer does not buffer: each write reaches the container's writer.
        writer =
            new PrintWriter(super.getWriter()) {
              @Override
              public void flush() {
                // held
              }

              @Override
              public void close() {
                // held
              }
            };
      }
      return writer;
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
