package dev.retention.activities.email;

import dev.retention.activities.customers.Csm;
import dev.retention.activities.customers.Customer;
import dev.retention.activities.customers.CustomerDirectory;
import dev.retention.workflows.ports.CustomerEmail;
import dev.retention.workflows.ports.EmailActivities;
import dev.retention.workflows.ports.EmailReceipt;
import dev.retention.workflows.ports.EmailStatus;
import dev.retention.workflows.ports.FailureType;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import io.temporal.spring.boot.ActivityImpl;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Sends a playbook email personally from the customer's CSM, exactly once per run + step: the row
 * is claimed before the provider is called and completed after; a retry finds it and, if the send
 * had not completed, sends again with the same idempotency key.
 */
@Component
@ActivityImpl(taskQueues = "${retention.task-queue}")
public class EmailActivitiesImpl implements EmailActivities {

  private final CustomerDirectory directory;
  private final Communications communications;
  private final EmailTemplates templates;
  private final EmailProvider provider;
  private final Clock clock;
  private final String productName;

  public EmailActivitiesImpl(
      CustomerDirectory directory,
      Communications communications,
      EmailTemplates templates,
      EmailProvider provider,
      Clock clock,
      @Value("${retention.email.product-name}") String productName) {
    this.directory = directory;
    this.communications = communications;
    this.templates = templates;
    this.provider = provider;
    this.clock = clock;
    this.productName = productName;
  }

  @Override
  public EmailReceipt sendCustomerEmail(CustomerEmail request) {
    String runId = Activity.getExecutionContext().getInfo().getRunId();
    Optional<Communications.Claim> existing =
        communications.find(request.workflowId(), runId, request.step());
    if (existing.isPresent() && !Communications.PENDING.equals(existing.get().status())) {
      return receipt(existing.get());
    }
    Customer customer =
        directory
            .findCustomer(request.customerId())
            .orElseThrow(() -> permanent(FailureType.UNKNOWN_CUSTOMER, request.customerId()));
    Csm csm =
        directory
            .findCsm(customer.csmId())
            .orElseThrow(
                () -> permanent(FailureType.INVALID_REQUEST, "no CSM " + customer.csmId()));
    RenderedEmail rendered;
    try {
      rendered =
          templates.render(request.template(), variables(customer, csm, request.variables()));
    } catch (TemplateException e) {
      throw permanent(FailureType.TEMPLATE_ERROR, e.getMessage());
    }
    String key = request.workflowId() + "/" + runId + "/" + request.step();
    OutgoingEmail email =
        new OutgoingEmail(
            key,
            csm.name(),
            csm.email(),
            csm.email(),
            customer.name(),
            customer.email(),
            rendered.subject(),
            rendered.text());

    if (communications.isSuppressed(customer.email())) {
      boolean claimed =
          communications.claim(
              request.workflowId(),
              runId,
              request.step(),
              customer.id(),
              request.template(),
              email,
              Communications.SKIPPED_SUPPRESSED,
              provider.name());
      if (!claimed) {
        // A retry of an attempt that left the row PENDING, and the address was suppressed since.
        communications.complete(
            request.workflowId(),
            runId,
            request.step(),
            Communications.SKIPPED_SUPPRESSED,
            null,
            null,
            clock.instant());
      }
      return new EmailReceipt(EmailStatus.SKIPPED_SUPPRESSED, rendered.subject(), null);
    }
    communications.claim(
        request.workflowId(),
        runId,
        request.step(),
        customer.id(),
        request.template(),
        email,
        Communications.PENDING,
        provider.name());
    String messageId;
    try {
      messageId = provider.send(email);
    } catch (PermanentEmailFailure e) {
      communications.complete(
          request.workflowId(),
          runId,
          request.step(),
          Communications.FAILED,
          null,
          e.getMessage(),
          clock.instant());
      throw permanent(FailureType.EMAIL_REJECTED, e.getMessage());
    }
    communications.complete(
        request.workflowId(),
        runId,
        request.step(),
        Communications.SENT,
        messageId,
        null,
        clock.instant());
    return new EmailReceipt(EmailStatus.SENT, rendered.subject(), messageId);
  }

  private Map<String, String> variables(Customer customer, Csm csm, Map<String, String> step) {
    Map<String, String> vars = new HashMap<>();
    vars.put("product", productName);
    vars.put("customer.name", customer.name());
    vars.put("customer.plan", customer.plan());
    vars.put("csm.name", csm.name());
    vars.put("csm.email", csm.email());
    if (step != null) {
      vars.putAll(step);
    }
    return vars;
  }

  private static EmailReceipt receipt(Communications.Claim claim) {
    EmailStatus status =
        Communications.SKIPPED_SUPPRESSED.equals(claim.status())
            ? EmailStatus.SKIPPED_SUPPRESSED
            : EmailStatus.SENT;
    if (Communications.FAILED.equals(claim.status())) {
      throw permanent(FailureType.EMAIL_REJECTED, "the provider rejected this email before");
    }
    return new EmailReceipt(status, claim.subject(), claim.providerMessageId());
  }

  private static ApplicationFailure permanent(FailureType type, String message) {
    return ApplicationFailure.newNonRetryableFailure(message, type.name());
  }
}
