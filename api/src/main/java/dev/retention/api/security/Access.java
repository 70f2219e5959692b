package dev.retention.api.security;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.audit.AuditTrail;
import dev.retention.api.security.login.People;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.workflows.contract.PlaybookIds;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Ownership: a CSM reads and acts on their own customers and runs, a manager on their team's, an
 * admin and integration keys (by scope, checked by {@link AccessRules}) on all. Each check also
 * tells the audit trail which customer and run the request is about.
 */
@Component
public class Access {

  private final CustomerDirectory directory;
  private final People people;

  public Access(CustomerDirectory directory, People people) {
    this.directory = directory;
    this.people = people;
  }

  /**
   * Refuses (403) a person whose portfolio does not hold the customer. An unknown customer is
   * refused to people as well, so ids cannot be probed; keys and admins get the usual 404 later.
   */
  public void customer(String customerId) {
    AuditTrail.customer(customerId);
    Caller caller = Callers.require();
    Optional<List<String>> visible = visibleCsmIds(caller);
    if (visible.isEmpty()) {
      return;
    }
    Optional<String> csm = directory.findCustomer(customerId).map(Customer::csmId);
    if (csm.isEmpty() || !visible.get().contains(csm.get())) {
      throw forbidden(
          "customer "
              + customerId
              + " is not in "
              + (caller.role() == Role.MANAGER ? "your team's" : "your")
              + " portfolio");
    }
  }

  /** The same rule for a run, through the customer its workflow id names. */
  public void run(String workflowId) {
    AuditTrail.workflow(workflowId);
    Optional<String> customerId = customerOf(workflowId);
    if (customerId.isPresent()) {
      customer(customerId.get());
    } else if (visibleCsmIds(Callers.require()).isPresent()) {
      throw forbidden("run " + workflowId + " is not in your portfolio");
    }
  }

  /** The CSMs whose customers the caller sees: empty for everyone's (keys, admins). */
  public Optional<List<String>> visibleCsmIds() {
    return visibleCsmIds(Callers.require());
  }

  /**
   * Which CSMs' runs a report covers, and why: everyone's ({@code ALL}) for keys and admins, the
   * manager's team ({@code TEAM}), a CSM's own ({@code OWN}), or those the report's csmId filter
   * names ({@code SELECTED}). {@code csmIds} is null for {@code ALL}, else sorted.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record CsmScope(
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Covers covers, List<String> csmIds) {

    public enum Covers {
      ALL,
      TEAM,
      OWN,
      SELECTED
    }
  }

  /**
   * The scope of a report for the caller. A filter ({@code requested}, null for none) may name only
   * CSMs the caller sees: anyone else (an unknown id too, so ids cannot be probed) is refused with
   * 403 naming {@code field}.
   */
  public CsmScope csmScope(String field, List<String> requested) {
    Caller caller = Callers.require();
    Optional<List<String>> visible = visibleCsmIds(caller);
    if (requested != null) {
      List<String> outside =
          visible.isEmpty()
              ? List.of()
              : requested.stream().filter(id -> !visible.get().contains(id)).distinct().toList();
      if (!outside.isEmpty()) {
        throw new ApiProblem(
            HttpStatus.FORBIDDEN,
            "Forbidden",
            field
                + " names "
                + String.join(", ", outside)
                + ", not "
                + (caller.role() == Role.MANAGER
                    ? "on your team (the CSMs whose managerEmail is yours)"
                    : "yourself")
                + "; leave it out for all you may see",
            field,
            null);
      }
      return new CsmScope(
          CsmScope.Covers.SELECTED, requested.stream().distinct().sorted().toList());
    }
    if (visible.isEmpty()) {
      return new CsmScope(CsmScope.Covers.ALL, null);
    }
    return new CsmScope(
        caller.role() == Role.MANAGER ? CsmScope.Covers.TEAM : CsmScope.Covers.OWN,
        visible.get().stream().sorted().toList());
  }

  private Optional<List<String>> visibleCsmIds(Caller caller) {
    if (caller.isKey() || caller.isAdmin()) {
      return Optional.empty();
    }
    return Optional.of(
        caller.role() == Role.MANAGER
            ? people.teamCsmIds(caller.email())
            : caller.csmId() == null ? List.of() : List.of(caller.csmId()));
  }

  /**
   * The CSM an outcome is attributed to. A person records as themselves: a body {@code csmId}
   * naming someone else is refused. A key (a backend tool acting for a CSM) may name the CSM.
   */
  public String outcomeAuthor(String bodyCsmId) {
    Caller caller = Callers.require();
    if (caller.isKey()) {
      // A key acts for the backend: the CSM it names must be one we know, or the run would
      // close "recorded by" nobody.
      if (bodyCsmId != null && directory.findCsm(bodyCsmId).isEmpty()) {
        throw ApiProblem.invalid(
            "csmId", "csmId " + bodyCsmId + " names no CSM; PUT /api/csms/{csmId} creates one");
      }
      return bodyCsmId;
    }
    String self = caller.csmId() != null ? caller.csmId() : caller.id();
    if (bodyCsmId != null && !bodyCsmId.equals(self)) {
      throw new ApiProblem(
          HttpStatus.FORBIDDEN,
          "Forbidden",
          "csmId may only name yourself ("
              + self
              + "); leave it out and the outcome is recorded as yours",
          "csmId",
          null);
    }
    return self;
  }

  /** Workflow ids are {@code <playbook>-<customerId>}. */
  public static Optional<String> customerOf(String workflowId) {
    return PlaybookIds.customerOf(workflowId);
  }

  private static ApiProblem forbidden(String detail) {
    return new ApiProblem(HttpStatus.FORBIDDEN, "Forbidden", detail, null, null);
  }
}
