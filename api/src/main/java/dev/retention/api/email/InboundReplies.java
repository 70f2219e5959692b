package dev.retention.api.email;

import dev.retention.api.input.TextRules;
import dev.retention.api.playbooks.PlaybookClient;
import dev.retention.data.email.Communications;
import dev.retention.data.email.DeliveryEvents;
import dev.retention.data.ledger.Timeline;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * An email a customer wrote to us (a reply reaching SendGrid Inbound Parse or Resend's inbound
 * address): the sender is matched to customers by address, ignoring case, and every running run of
 * theirs hears {@code CUSTOMER_RESPONDED}, which stops its automated emails. Nothing about an
 * unknown sender is kept, and no address or content is logged.
 */
@Service
class InboundReplies {

  private static final Logger log = LoggerFactory.getLogger(InboundReplies.class);

  private static final Pattern ANGLE_ADDRESS = Pattern.compile("<([^<>\\s]+@[^<>\\s]+)>");
  private static final Pattern BARE_ADDRESS = Pattern.compile("([^\\s<>\"',;:]+@[^\\s<>\"',;:]+)");

  /** What became of an inbound email. */
  record Handled(String status, List<String> workflowIds) {
    static final String MATCHED = "matched";
    static final String IGNORED = "ignored";
    static final String DUPLICATE = "duplicate";
  }

  private final Communications communications;
  private final DeliveryEvents events;
  private final Timeline timeline;
  private final PlaybookClient runs;

  InboundReplies(
      Communications communications,
      DeliveryEvents events,
      Timeline timeline,
      PlaybookClient runs) {
    this.communications = communications;
    this.events = events;
    this.timeline = timeline;
    this.runs = runs;
  }

  /**
   * {@code eventId} identifies the delivery (Svix message id, the email's Message-ID) so a webhook
   * the provider retries is handled once; null when there is none.
   */
  Handled received(String provider, String eventId, String from, String subject, Instant at) {
    if (eventId != null && events.seen(provider, eventId)) {
      return new Handled(Handled.DUPLICATE, List.of());
    }
    String address = address(from);
    List<String> customers =
        address == null ? List.of() : communications.customerIdsByAddress(address);
    if (customers.isEmpty()) {
      log.info("inbound email via {} from an unknown sender: ignored", provider);
      return new Handled(Handled.IGNORED, List.of());
    }
    // Runs first: if Temporal is down this fails, the provider retries, and nothing is recorded.
    List<String> informed = new ArrayList<>();
    for (String customerId : customers) {
      informed.addAll(runs.customerResponded(customerId, "email-reply"));
    }
    if (eventId == null || events.recordReceived(provider, eventId, at)) {
      for (String customerId : customers) {
        timeline.add(
            customerId,
            at,
            "REPLY",
            "Customer replied by email"
                + (subject == null || subject.isBlank() ? "" : ": \"" + oneLine(subject) + "\"")
                + (informed.isEmpty() ? "" : "; automated emails stopped"));
      }
    }
    log.info(
        "inbound email via {} matched {} customer(s); informed runs {}",
        provider,
        customers.size(),
        informed);
    return new Handled(Handled.MATCHED, informed);
  }

  /**
   * A subject as the timeline shows it: whatever the sender put in it, one line (control characters
   * become spaces) of at most 200 characters.
   */
  static String oneLine(String subject) {
    StringBuilder line = new StringBuilder(subject.length());
    subject
        .strip()
        .codePoints()
        .forEach(
            c -> line.appendCodePoint(TextRules.breaksALine((char) c) && c < 0x10000 ? ' ' : c));
    String clean = line.toString();
    return TextRules.length(clean) <= TextRules.LINE_MAX
        ? clean
        : clean.substring(0, clean.offsetByCodePoints(0, TextRules.LINE_MAX - 1)) + "…";
  }

  /** The address in {@code Name <addr@host>} or a bare {@code addr@host}; null if none. */
  static String address(String from) {
    if (from == null) {
      return null;
    }
    Matcher angle = ANGLE_ADDRESS.matcher(from);
    if (angle.find()) {
      return angle.group(1);
    }
    Matcher bare = BARE_ADDRESS.matcher(from);
    return bare.find() ? bare.group(1) : null;
  }
}
