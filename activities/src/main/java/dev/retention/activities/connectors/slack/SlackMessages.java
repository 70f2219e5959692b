package dev.retention.activities.connectors.slack;

import com.slack.api.model.block.ActionsBlock;
import com.slack.api.model.block.ContextBlock;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.SectionBlock;
import com.slack.api.model.block.composition.MarkdownTextObject;
import com.slack.api.model.block.composition.PlainTextObject;
import com.slack.api.model.block.element.ButtonElement;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The text and Block Kit blocks of one Slack message, in English or Dutch (the console's two
 * languages): what happened, for which customer, a link to the console in the reader's language
 * and, for an open task when enabled, the complete and snooze buttons ({@value #COMPLETE}, {@value
 * #SNOOZE}, the task id as value).
 */
public final class SlackMessages {

  public static final String COMPLETE = "complete";
  public static final String SNOOZE = "snooze";

  /** What a message is about, read when it is sent. */
  public record Facts(
      SlackOutbox.Kind kind,
      Long taskId,
      String title,
      String priority,
      Instant dueAt,
      boolean open,
      String customerId,
      String customerName,
      String workflowId,
      String forWhom) {}

  /** A message: the plain text (notifications, and clients without blocks) and the blocks. */
  public record Message(String text, List<LayoutBlock> blocks) {}

  private SlackMessages() {}

  public static Message compose(
      Facts facts, String language, String publicBaseUrl, boolean buttons) {
    boolean nl = "nl".equals(language);
    String customer =
        escape(facts.customerName() == null ? facts.customerId() : facts.customerName());
    String title = escape(facts.title());
    String headline = headline(facts, nl, customer);
    String due =
        facts.dueAt() == null
            ? ""
            : (facts.kind() == SlackOutbox.Kind.SLA_BREACHED
                    ? (nl ? " · was uiterlijk " : " · was due ")
                    : (nl ? " · uiterlijk " : " · due "))
                + slackDate(facts.dueAt());
    String forWhom =
        facts.forWhom() == null ? "" : (nl ? " · voor " : " · for ") + escape(facts.forWhom());
    String link = consoleLink(facts, publicBaseUrl, nl);
    String linkWords = nl ? "Openen in de console" : "Open in the console";

    String text = headline + ": " + facts.title() + " — " + link;
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(
        SectionBlock.builder()
            .text(
                MarkdownTextObject.builder()
                    .text("*" + headline + "*\n" + title + due + forWhom)
                    .build())
            .build());
    blocks.add(
        ContextBlock.builder()
            .elements(
                List.of(
                    MarkdownTextObject.builder().text("<" + link + "|" + linkWords + ">").build()))
            .build());
    if (buttons && facts.taskId() != null && facts.open()) {
      blocks.add(taskButtons(Long.toString(facts.taskId()), nl));
    }
    return new Message(text, blocks);
  }

  private static String headline(Facts facts, boolean nl, String customer) {
    return switch (facts.kind()) {
      case URGENT_TASK ->
          "URGENT".equals(facts.priority())
              ? (nl ? "Dringende taak voor " : "Urgent task for ") + customer
              : (nl ? "Taak met hoge prioriteit voor " : "High-priority task for ") + customer;
      case ESCALATION -> (nl ? "Escalatie voor " : "Escalation for ") + customer;
      case SLA_BREACHED -> (nl ? "SLA overschreden voor " : "SLA breached for ") + customer;
      case ALERT -> (nl ? "Melding over " : "Alert about ") + customer;
    };
  }

  /** Complete and snooze, for the task with this id. */
  private static LayoutBlock taskButtons(String id, boolean nl) {
    return ActionsBlock.builder()
        .blockId("task-" + id)
        .elements(
            List.of(
                ButtonElement.builder()
                    .actionId(COMPLETE)
                    .value(id)
                    .style("primary")
                    .text(plain(nl ? "Afronden" : "Complete"))
                    .build(),
                ButtonElement.builder()
                    .actionId(SNOOZE)
                    .value(id)
                    .text(plain(nl ? "1 dag uitstellen" : "Snooze 1 day"))
                    .build()))
        .build();
  }

  /** The run's page when there is a run, else the customer's; {@code ?lang=nl} for Dutch. */
  static String consoleLink(Facts facts, String publicBaseUrl, boolean nl) {
    String base =
        publicBaseUrl.endsWith("/")
            ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1)
            : publicBaseUrl;
    String path =
        facts.workflowId() != null
            ? "/console/runs/" + encode(facts.workflowId())
            : "/console/customers/" + encode(facts.customerId());
    return base + path + (nl ? "?lang=nl" : "");
  }

  /** Slack shows the time in the reader's own zone; the fallback is UTC. */
  private static String slackDate(Instant at) {
    return "<!date^"
        + at.getEpochSecond()
        + "^{date_short_pretty} {time}|"
        + at.truncatedTo(java.time.temporal.ChronoUnit.MINUTES).toString().replace('T', ' ')
        + ">";
  }

  private static PlainTextObject plain(String text) {
    return PlainTextObject.builder().text(text).emoji(false).build();
  }

  private static String encode(String part) {
    return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Slack's mrkdwn control characters, escaped as its documentation says. */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
