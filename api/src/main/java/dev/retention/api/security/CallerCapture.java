package dev.retention.api.security;

import dev.retention.api.security.audit.AuditTrail;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Tells {@link AuditFilter}, which runs outside the security filter chain and so after the chain
 * has cleared its security context, who made the request: the caller once the chain is done (a key
 * or a login), or, when the request itself ended the session (a logout), the one it started with.
 */
class CallerCapture extends OncePerRequestFilter {

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Optional<Caller> before = Callers.current();
    try {
      chain.doFilter(request, response);
    } finally {
      Callers.current()
          .or(() -> before)
          .ifPresent(caller -> request.setAttribute(AuditTrail.CALLER, caller));
    }
  }
}
