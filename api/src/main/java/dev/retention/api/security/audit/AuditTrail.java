package dev.retention.api.security.audit;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * What the current request is about, for its audit entry: set where the customer or run becomes
 * known (the access checks), read by {@link AuditFilter} when the request ends.
 */
public final class AuditTrail {

  static final String CUSTOMER = AuditTrail.class.getName() + ".customer";
  static final String WORKFLOW = AuditTrail.class.getName() + ".workflow";
  static final String ACTOR = AuditTrail.class.getName() + ".actor";
  public static final String CALLER = AuditTrail.class.getName() + ".caller";

  private AuditTrail() {}

  public static void customer(String customerId) {
    set(CUSTOMER, customerId);
  }

  public static void workflow(String workflowId) {
    set(WORKFLOW, workflowId);
  }

  /** The name a failed login tried, so refused logins are attributed too. */
  public static void attemptedActor(String username) {
    set(ACTOR, username);
  }

  private static void set(String name, String value) {
    RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
    if (attributes != null && value != null) {
      attributes.setAttribute(name, value, RequestAttributes.SCOPE_REQUEST);
    }
  }

  static String get(HttpServletRequest request, String name) {
    return request.getAttribute(name) instanceof String s ? s : null;
  }
}
