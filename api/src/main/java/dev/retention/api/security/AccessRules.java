package dev.retention.api.security;

import dev.retention.activities.email.consent.UnsubscribeLinks;
import jakarta.servlet.http.HttpServletRequest;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.http.HttpMethod;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Who may call what, in one table: for each endpoint the scope an integration key needs and the
 * roles a person needs. Ownership (a CSM's own customers, a manager's team) is checked by {@link
 * Access} where the customer is known. Anything not listed needs some credentials.
 */
public final class AccessRules {

  private static final Set<Role> EVERYONE = EnumSet.allOf(Role.class);
  private static final Set<Role> LEADS = EnumSet.of(Role.MANAGER, Role.ADMIN);
  private static final Set<Role> ADMINS = EnumSet.of(Role.ADMIN);

  /** One row: a method (null for any) and path pattern, and what it needs (null scope: public). */
  public record Rule(HttpMethod method, String pattern, Scope scope, Set<Role> roles) {

    boolean isPublic() {
      return scope == null && roles.isEmpty();
    }

    /** Any authenticated caller: a person of any role or a key of any scope. */
    boolean anyCaller() {
      return scope == null && !roles.isEmpty();
    }

    RequestMatcher matcher() {
      return PathPatternRequestMatcher.withDefaults().matcher(method, pattern);
    }

    boolean allows(Caller caller) {
      if (anyCaller()) {
        return true;
      }
      // A person is let in by their role, or by a permission granted to them (playbook-editor).
      return caller.isKey()
          ? caller.hasScope(scope)
          : roles.contains(caller.role()) || (scope != null && caller.scopes().contains(scope));
    }

    /** What is missing, in words, for a caller this rule refuses. */
    String needs(Caller caller) {
      if (caller.isKey()) {
        return "this integration key lacks the scope '"
            + scope.id()
            + "' that "
            + (method == null ? "" : method.name() + " ")
            + pattern
            + " needs";
      }
      return "a "
          + caller.role().name()
          + " login may not call "
          + (method == null ? "" : method.name() + " ")
          + pattern
          + "; it is for "
          + roles.stream().map(Enum::name).sorted().collect(Collectors.joining(", "))
          + " logins and keys with the scope '"
          + scope.id()
          + "'";
    }

    AuthorizationManager<RequestAuthorizationContext> manager() {
      return (authentication, context) ->
          new AuthorizationDecision(
              Callers.of(authentication.get()).map(this::allows).orElse(false));
    }
  }

  public static final List<Rule> RULES =
      List.of(
          open(HttpMethod.GET, "/actuator/health"),
          open(HttpMethod.GET, "/actuator/health/**"),
          // Signed by the providers; each controller checks the signature.
          open(HttpMethod.POST, "/api/webhooks/**"),
          // Segment's write key or signature; the controller checks it.
          open(HttpMethod.POST, "/api/segment/v1/**"),
          // Signed links in emails; RFC 8058 one-click posts come from mail providers.
          open(HttpMethod.GET, UnsubscribeLinks.PATH),
          open(HttpMethod.POST, UnsubscribeLinks.PATH),
          open(HttpMethod.POST, "/api/session"),
          // Swagger UI, its configuration (/v3/api-docs/swagger-config) and the OpenAPI document:
          // the document holds no data, and a browser that has not logged in yet must load it to
          // be told how to (Authorize with a key, or a session). The operations need credentials.
          open(HttpMethod.GET, "/swagger-ui.html"),
          open(HttpMethod.GET, "/swagger-ui/**"),
          open(HttpMethod.GET, "/v3/api-docs"),
          open(HttpMethod.GET, "/v3/api-docs/**"),
          new Rule(HttpMethod.GET, "/api/session", null, EVERYONE),
          new Rule(HttpMethod.DELETE, "/api/session", null, EVERYONE),
          new Rule(HttpMethod.PUT, "/api/csms/*", Scope.CUSTOMERS_WRITE, ADMINS),
          new Rule(HttpMethod.PUT, "/api/customers/*", Scope.CUSTOMERS_WRITE, ADMINS),
          // The bulk path of the backend: many customers' records in one request.
          new Rule(HttpMethod.POST, "/api/customers/batch", Scope.CUSTOMERS_WRITE, ADMINS),
          new Rule(HttpMethod.POST, "/api/metrics/batch", Scope.EVENTS_WRITE, ADMINS),
          new Rule(HttpMethod.DELETE, "/api/customers/*/personal-data", Scope.ADMIN, ADMINS),
          new Rule(HttpMethod.POST, "/api/customers/*/metrics", Scope.EVENTS_WRITE, ADMINS),
          // A score the backend computed itself (bring-your-own score).
          new Rule(HttpMethod.POST, "/api/customers/*/health-score", Scope.EVENTS_WRITE, ADMINS),
          // The health model: anyone reads it; leads preview and draft; publishing needs the
          // playbook-editor permission (admins).
          new Rule(HttpMethod.GET, "/api/health-model", Scope.READ, EVERYONE),
          new Rule(HttpMethod.GET, "/api/health-model/**", Scope.READ, EVERYONE),
          new Rule(HttpMethod.POST, "/api/health-model/preview", Scope.READ, LEADS),
          new Rule(HttpMethod.POST, "/api/health-model/versions", Scope.PLAYBOOK_EDITOR, LEADS),
          new Rule(
              HttpMethod.POST,
              "/api/health-model/versions/*/publish",
              Scope.PLAYBOOK_EDITOR,
              ADMINS),
          new Rule(HttpMethod.GET, "/api/segment/unmatched", Scope.ADMIN, ADMINS),
          new Rule(HttpMethod.GET, "/api/customers", Scope.READ, EVERYONE),
          new Rule(HttpMethod.GET, "/api/customers/**", Scope.READ, EVERYONE),
          // A CSM writes notes and logs calls on their own customers, and keeps their contacts.
          new Rule(HttpMethod.POST, "/api/customers/*/notes", Scope.PLAYBOOKS_WRITE, EVERYONE),
          new Rule(HttpMethod.POST, "/api/customers/*/contacts", Scope.CUSTOMERS_WRITE, EVERYONE),
          new Rule(HttpMethod.PUT, "/api/customers/*/contacts/*", Scope.CUSTOMERS_WRITE, EVERYONE),
          new Rule(
              HttpMethod.DELETE, "/api/customers/*/contacts/*", Scope.CUSTOMERS_WRITE, EVERYONE),
          // A CSM may say their own customer replied (a phone call, a chat) or booked a meeting.
          new Rule(HttpMethod.POST, "/api/events/customer-replied", Scope.EVENTS_WRITE, EVERYONE),
          new Rule(HttpMethod.POST, "/api/events/meeting-booked", Scope.EVENTS_WRITE, EVERYONE),
          new Rule(HttpMethod.POST, "/api/events/**", Scope.EVENTS_WRITE, ADMINS),
          new Rule(HttpMethod.POST, "/api/playbooks", Scope.PLAYBOOKS_WRITE, EVERYONE),
          // Reads only, but plays a run: for those who shape and start playbooks (a CSM for their
          // own customers, checked by Access).
          new Rule(HttpMethod.POST, "/api/playbooks/dry-run", Scope.PLAYBOOKS_WRITE, EVERYONE),
          new Rule(HttpMethod.POST, "/api/playbooks/*/outcomes", Scope.PLAYBOOKS_WRITE, EVERYONE),
          new Rule(HttpMethod.DELETE, "/api/playbooks/*", Scope.PLAYBOOKS_WRITE, EVERYONE),
          new Rule(HttpMethod.GET, "/api/playbooks/**", Scope.READ, EVERYONE),
          new Rule(HttpMethod.GET, "/api/reports/**", Scope.READ, LEADS),
          new Rule(HttpMethod.GET, "/api/tasks/**", Scope.READ, EVERYONE),
          new Rule(HttpMethod.POST, "/api/tasks/*/complete", Scope.PLAYBOOKS_WRITE, EVERYONE),
          new Rule(HttpMethod.POST, "/api/tasks/*/snooze", Scope.PLAYBOOKS_WRITE, EVERYONE),
          new Rule(HttpMethod.GET, "/api/templates/**", Scope.READ, EVERYONE),
          // Playbook definitions: everyone reads them and checks a draft; playbook editors
          // (admins, people granted it, keys with the scope) write and publish.
          new Rule(HttpMethod.GET, "/api/playbook-definitions", Scope.READ, EVERYONE),
          new Rule(HttpMethod.GET, "/api/playbook-definitions/**", Scope.READ, EVERYONE),
          new Rule(HttpMethod.POST, "/api/playbook-definitions/validate", Scope.READ, EVERYONE),
          // A preview reads only (a CSM previews their own customers, checked by Access).
          new Rule(
              HttpMethod.POST,
              "/api/playbook-definitions/*/templates/preview",
              Scope.READ,
              EVERYONE),
          new Rule(null, "/api/playbook-definitions/**", Scope.PLAYBOOK_EDITOR, ADMINS),
          // The connectors' state: leads and ops read it; admins test a connection (it calls out).
          new Rule(HttpMethod.GET, "/api/connections", Scope.OPS, LEADS),
          new Rule(HttpMethod.POST, "/api/connections/*/test", Scope.OPS, ADMINS),
          new Rule(null, "/api/admin/**", Scope.ADMIN, ADMINS),
          new Rule(null, "/api/connectors/**", Scope.ADMIN, ADMINS),
          new Rule(null, "/api/audit/**", Scope.ADMIN, ADMINS),
          new Rule(null, "/codec/**", Scope.OPS, ADMINS),
          new Rule(null, "/actuator/**", Scope.OPS, ADMINS),
          // The console (people in a browser): the login page and its styles and scripts are
          // public; the lead dashboard is the reports as charts; every other page is for anyone
          // logged in, and each page checks ownership through Access like the API does.
          open(HttpMethod.GET, "/"),
          open(HttpMethod.GET, "/login"),
          open(HttpMethod.POST, "/login"),
          open(HttpMethod.GET, "/assets/**"),
          open(HttpMethod.GET, "/webjars/**"),
          new Rule(HttpMethod.GET, "/console/lead/**", Scope.READ, LEADS),
          new Rule(HttpMethod.GET, "/console/connections", Scope.OPS, LEADS),
          new Rule(HttpMethod.POST, "/console/connections/*/test", Scope.OPS, ADMINS),
          // The playbook editor and its writes are for playbook editors; everyone reads.
          new Rule(HttpMethod.GET, "/console/playbooks/*/edit", Scope.PLAYBOOK_EDITOR, ADMINS),
          new Rule(HttpMethod.POST, "/console/playbooks/*/drafts", Scope.PLAYBOOK_EDITOR, ADMINS),
          new Rule(HttpMethod.GET, "/console/playbooks/*/templates", Scope.PLAYBOOK_EDITOR, ADMINS),
          new Rule(
              HttpMethod.POST, "/console/playbooks/*/templates", Scope.PLAYBOOK_EDITOR, ADMINS),
          new Rule(
              HttpMethod.POST,
              "/console/playbooks/*/versions/*/publish",
              Scope.PLAYBOOK_EDITOR,
              ADMINS),
          // Webhook subscriptions carry secrets and send run events out: admins only.
          new Rule(null, "/console/webhooks", Scope.ADMIN, ADMINS),
          new Rule(null, "/console/webhooks/**", Scope.ADMIN, ADMINS),
          new Rule(null, "/console/**", null, EVERYONE));

  private AccessRules() {}

  private static Rule open(HttpMethod method, String pattern) {
    return new Rule(method, pattern, null, Set.of());
  }

  /** The first rule that applies to a request, as the filter chain applies them. */
  public static Optional<Rule> ruleFor(HttpServletRequest request) {
    return RULES.stream().filter(r -> r.matcher().matches(request)).findFirst();
  }
}
