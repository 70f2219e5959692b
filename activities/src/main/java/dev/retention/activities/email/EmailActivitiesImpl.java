package dev.retention.activities.email;

import dev.retention.activities.email.consent.UnsubscribeLinks;
import dev.retention.activities.email.providers.EmailHeaders;
import dev.retention.activities.email.providers.EmailProvider;
import dev.retention.activities.email.providers.OutgoingEmail;
import dev.retention.activities.email.providers.PermanentEmailFailure;
import dev.retention.activities.email.providers.RetryableEmailFailure;
import dev.retention.activities.email.templates.EmailTemplates;
import dev.retention.activities.email.templates.EmailVariables;
import dev.retention.activities.email.templates.RenderedEmail;
import dev.retention.activities.email.templates.TemplateException;
import dev.retention.data.crm.CrmTasks;
import dev.retention.data.customers.Csm;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.email.Communications;
import dev.retention.data.ledger.RunCancellations;
import dev.retention.data.privacy.PersonalData;
import dev.retention.workflows.ports.CsmAlert;
import dev.retention.workflows.ports.CustomerEmail;
import dev.retention.workflows.ports.EmailActivities;
import dev.retention.workflows.ports.EmailFailure;
import dev.retention.workflows.ports.EmailReceipt;
import dev.retention.workflows.ports.EmailStatus;
import dev.retention.workflows.ports.FailureType;
import dev.retention.workflows.ports.TemplateText;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import io.temporal.spring.boot.ActivityImpl;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Sends playbook emails exactly once per run + step: the row is claimed before the provider is
 * called and completed after; a retry finds it and, if the send had not completed, sends again with
 * the same idempotency key. Customer emails come personally from their CSM, go to the customer's
 * primary contact (its own address when it has none) and are never sent to a suppressed address;
 * alerts go to the CSM (or manager, or executive) and are never suppressed. Customer emails carry a
 * signed one-click unsubscribe link in the text and the RFC 8058 {@code List-Unsubscribe} headers.
 * A provider that cannot take the email now ({@link RetryableEmailFailure}) fails the attempt for
 * Temporal to retry, after its Retry-After if given. A run that was stopped ({@link
 * RunCancellations}) before its step claimed the row sends nothing: the attempt fails for good with
 * {@code RUN_CANCELLED}.
 */
@Component
@ActivityImpl(taskQueues = "${retention.task-queue}")
public class EmailActivitiesImpl implements EmailActivities {

  private final CustomerDirectory directory;
  private final Communications communications;
  private final EmailComposer composer;
  private final EmailProvider provider;
  private final Clock clock;
  private final CrmTasks tasks;
  private final RunCancellations cancellations;
  private final List<AlertListener> alertListeners;

  /** The longest Retry-After we honour; the email retry policy stays bounded. */
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

  @Autowired
  public EmailActivitiesImpl(
      CustomerDirectory directory,
      Communications communications,
      EmailTemplates templates,
      EmailProvider provider,
      Clock clock,
      EmailVariables variables,
      CrmTasks tasks,
      RunCancellations cancellations,
      UnsubscribeLinks unsubscribeLinks,
      ObjectProvider<AlertListener> alertListeners) {
    this(
        directory,
        communications,
        templates,
        provider,
        clock,
        variables,
        tasks,
        cancellations,
        unsubscribeLinks,
        alertListeners.orderedStream().toList());
  }

  /** Without listeners to the alerts. */
  public EmailActivitiesImpl(
      CustomerDirectory directory,
      Communications communications,
      EmailTemplates templates,
      EmailProvider provider,
      Clock clock,
      EmailVariables variables,
      CrmTasks tasks,
      RunCancellations cancellations,
      UnsubscribeLinks unsubscribeLinks) {
    this(
        directory,
        communications,
        templates,
        provider,
        clock,
        variables,
        tasks,
        cancellations,
        unsubscribeLinks,
        List.<AlertListener>of());
  }

  /** With the listeners that hear of each alert claimed (a chat connector's outbox). */
  public EmailActivitiesImpl(
      CustomerDirectory directory,
      Communications communications,
      EmailTemplates templates,
      EmailProvider provider,
      Clock clock,
      EmailVariables variables,
      CrmTasks tasks,
      RunCancellations cancellations,
      UnsubscribeLinks unsubscribeLinks,
      List<AlertListener> alertListeners) {
    this.alertListeners = List.copyOf(alertListeners);
    this.directory = directory;
    this.communications = communications;
    this.composer = new EmailComposer(templates, variables, unsubscribeLinks);
    this.provider = provider;
    this.clock = clock;
    this.tasks = tasks;
    this.cancellations = cancellations;
  }

  /** Without a configured unsubscribe key (tests): links signed with a random one. */
  public EmailActivitiesImpl(
      CustomerDirectory directory,
      Communications communications,
      EmailTemplates templates,
      EmailProvider provider,
      Clock clock,
      String productName,
      CrmTasks tasks,
      RunCancellations cancellations) {
    this(
        directory,
        communications,
        templates,
        provider,
        clock,
        new EmailVariables(productName),
        tasks,
        cancellations,
        new UnsubscribeLinks(randomSecret(), "http://localhost:8080"));
  }

  private static String randomSecret() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return Base64.getEncoder().encodeToString(secret);
  }

  /** One email of a run's step, before its recipient is known. */
  private record Step(
      String workflowId,
      String step,
      String template,
      String customerId,
      Map<String, String> vars,
      Map<String, TemplateText> override,
      CsmAlert alert) {}

  @Override
  public EmailReceipt sendCustomerEmail(CustomerEmail request) {
    Step step =
        new Step(
            request.workflowId(),
            request.step(),
            request.template(),
            request.customerId(),
            request.variables(),
            request.templateOverride(),
            null);
    return deliver(step, true, (customer, csm) -> customer.email(), Customer::name);
  }

  @Override
  public EmailReceipt sendCsmAlert(CsmAlert alert) {
    Step step =
        new Step(
            alert.workflowId(),
            alert.step(),
            alert.template(),
            alert.customerId(),
            alert.variables(),
            alert.templateOverride(),
            alert);
    return deliver(
        step,
        false,
        (customer, csm) -> tasks.assigneeEmail(customer.id(), alert.recipient()),
        customer -> alert.recipient().name().toLowerCase(Locale.ROOT));
  }

  @Override
  public void recordFailure(EmailFailure failure) {
    String runId = Activity.getExecutionContext().getInfo().getWorkflowRunId();
    communications.failPending(
        failure.workflowId(), runId, failure.step(), failure.reason(), clock.instant());
  }

  private interface Recipient {
    String address(Customer customer, Csm csm);
  }

  private EmailReceipt deliver(
      Step request,
      boolean toCustomer,
      Recipient recipient,
      java.util.function.Function<Customer, String> recipientName) {
    String runId = Activity.getExecutionContext().getInfo().getWorkflowRunId();
    Optional<Communications.Claim> existing =
        communications.find(request.workflowId(), runId, request.step());
    if (existing.isPresent() && !Communications.PENDING.equals(existing.get().status())) {
      return receipt(existing.get());
    }
    Customer found =
        directory
            .findCustomer(request.customerId())
            .orElseThrow(() -> permanent(FailureType.UNKNOWN_CUSTOMER, request.customerId()));
    // A customer email goes to the primary contact when there is one: the suppression check and
    // the unsubscribe link below are for that address, since consent is per address.
    Customer customer = toCustomer ? directory.addressed(found) : found;
    Csm csm =
        directory
            .findCsm(customer.csmId())
            .orElseThrow(
                () -> permanent(FailureType.INVALID_REQUEST, "no CSM " + customer.csmId()));
    EmailComposer.Composed composed = compose(request, toCustomer, customer, csm);
    RenderedEmail rendered = composed.content();
    String key = request.workflowId() + "/" + runId + "/" + request.step();
    OutgoingEmail email =
        new OutgoingEmail(
            key,
            csm.name(),
            csm.email(),
            csm.email(),
            recipientName.apply(customer),
            recipient.address(customer, csm),
            rendered.subject(),
            rendered.text(),
            composed.headers(),
            composed.unsubscribeUrl(),
            rendered.html());

    if (toCustomer && communications.isSuppressed(customer.email())) {
      return suppressed(request, runId, customer, email, rendered);
    }
    Optional<Communications.Claimed> claimed =
        claim(request, runId, customer, email, Communications.PENDING);
    boolean erased =
        claimed.isPresent()
            ? claimed.get().erased()
            // A retry of an attempt that left the row PENDING: was the customer erased since?
            : communications.erasedFor(request.customerId(), runId);
    if (erased) {
      // The customer's personal data was erased after this run started: nothing goes out.
      if (claimed.isEmpty()) {
        complete(
            request, runId, Communications.SKIPPED_SUPPRESSED, null, Communications.ERASED_DETAIL);
      }
      return new EmailReceipt(EmailStatus.SKIPPED_SUPPRESSED, PersonalData.ERASED, null);
    }
    String messageId = send(request, runId, email);
    complete(request, runId, Communications.SENT, messageId, null);
    return new EmailReceipt(EmailStatus.SENT, rendered.subject(), messageId);
  }

  private EmailComposer.Composed compose(
      Step request, boolean toCustomer, Customer customer, Csm csm) {
    try {
      // Consent: every customer email can be unsubscribed from in one click; alerts to CSMs not.
      return toCustomer
          ? composer.toCustomer(
              request.template(), request.override(), customer, csm, request.vars())
          : composer.alert(request.template(), request.override(), customer, csm, request.vars());
    } catch (TemplateException e) {
      throw permanent(FailureType.TEMPLATE_ERROR, e.getMessage());
    }
  }

  /** The address is suppressed: the step is recorded as skipped and nothing goes out. */
  private EmailReceipt suppressed(
      Step request, String runId, Customer customer, OutgoingEmail email, RenderedEmail rendered) {
    Optional<Communications.Claimed> claimed =
        claim(request, runId, customer, email, Communications.SKIPPED_SUPPRESSED);
    if (claimed.isEmpty()) {
      // A retry of an attempt that left the row PENDING, and the address was suppressed since.
      complete(request, runId, Communications.SKIPPED_SUPPRESSED, null, null);
    }
    return new EmailReceipt(
        EmailStatus.SKIPPED_SUPPRESSED,
        claimed.filter(Communications.Claimed::erased).isPresent()
            ? PersonalData.ERASED
            : rendered.subject(),
        null);
  }

  /** The provider's message id; a rejection is recorded as FAILED, a retryable failure not. */
  private String send(Step request, String runId, OutgoingEmail email) {
    try {
      EmailHeaders.check(email);
      return provider.send(email);
    } catch (PermanentEmailFailure e) {
      complete(request, runId, Communications.FAILED, null, e.getMessage());
      throw permanent(FailureType.EMAIL_REJECTED, e.getMessage());
    } catch (RetryableEmailFailure e) {
      // The row stays PENDING: the retry sends again with the same idempotency key.
      throw retryLater(e);
    }
  }

  private static ApplicationFailure retryLater(RetryableEmailFailure e) {
    ApplicationFailure.Builder failure =
        ApplicationFailure.newBuilder()
            .setMessage(e.getMessage())
            .setType(RetryableEmailFailure.class.getName());
    if (e.retryAfter() != null) {
      Duration delay =
          e.retryAfter().compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : e.retryAfter();
      failure.setNextRetryDelay(delay.isZero() ? Duration.ofSeconds(1) : delay);
    }
    return failure.build();
  }

  /**
   * Claims the step's row (present when this call inserted it, saying whether the customer's data
   * was erased since the run started), unless the run was stopped first: then the step fails for
   * good and nothing is written. A row claimed before the stop (an earlier attempt, in flight when
   * the run was stopped) is the run's: empty, and its send goes on.
   */
  private Optional<Communications.Claimed> claim(
      Step request, String runId, Customer customer, OutgoingEmail email, String status) {
    return cancellations.unlessStopped(
        runId,
        () -> {
          Optional<Communications.Claimed> claimed =
              communications.claim(
                  request.workflowId(),
                  runId,
                  request.step(),
                  customer.id(),
                  request.template(),
                  new Communications.Message(
                      email.idempotencyKey(),
                      email.fromName(),
                      email.fromAddress(),
                      email.replyTo(),
                      email.toAddress(),
                      email.subject(),
                      email.text()),
                  status,
                  provider.name());
          if (request.alert() != null && claimed.isPresent() && !claimed.get().erased()) {
            // In the claim's transaction: the alert's other channels are written with it, once.
            alertListeners.forEach(l -> l.claimed(request.alert(), runId, email.toAddress()));
          }
          return claimed;
        },
        () -> {
          if (communications.find(request.workflowId(), runId, request.step()).isPresent()) {
            return Optional.empty();
          }
          throw permanent(
              FailureType.RUN_CANCELLED,
              "the run was stopped before step " + request.step() + ": nothing is sent");
        });
  }

  private void complete(
      Step request, String runId, String status, String messageId, String detail) {
    communications.complete(
        request.workflowId(), runId, request.step(), status, messageId, detail, clock.instant());
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
