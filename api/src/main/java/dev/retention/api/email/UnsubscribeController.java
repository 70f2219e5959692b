package dev.retention.api.email;

import dev.retention.activities.email.EmailProperties;
import dev.retention.activities.email.consent.UnsubscribeLinks;
import dev.retention.api.input.Ids;
import dev.retention.api.input.SingleLine;
import dev.retention.api.input.TextRules;
import dev.retention.api.problems.ApiProblem;
import dev.retention.data.customers.Contacts;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.email.Communications;
import dev.retention.data.ledger.Timeline;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * The signed one-click unsubscribe link of every customer email (RFC 8058). {@code POST} is the
 * one-click unsubscribe mail clients send ({@code List-Unsubscribe=One-Click}) and the button of
 * the page; {@code GET} only shows that page, because link scanners fetch URLs in mail and must not
 * unsubscribe anybody. Only a valid signature changes anything: the customer's address goes on the
 * suppression list (reason UNSUBSCRIBED) and the timeline says so.
 */
@Tag(name = "unsubscribe")
@RestController
class UnsubscribeController {

  private final CustomerDirectory directory;
  private final Contacts contacts;
  private final UnsubscribeLinks links;
  private final Communications communications;
  private final Timeline timeline;
  private final Clock clock;
  private final String productName;

  UnsubscribeController(
      CustomerDirectory directory,
      Contacts contacts,
      UnsubscribeLinks links,
      Communications communications,
      Timeline timeline,
      Clock clock,
      EmailProperties email) {
    this.directory = directory;
    this.contacts = contacts;
    this.links = links;
    this.communications = communications;
    this.timeline = timeline;
    this.clock = clock;
    this.productName = email.productName();
  }

  record Unsubscribed(String customerId, boolean unsubscribed, boolean alreadyUnsubscribed) {}

  @Operation(
      operationId = "showUnsubscribePage",
      summary = "Show the unsubscribe page",
      description = "The signed link in every email: a page that asks the customer to confirm.")
  @GetMapping(UnsubscribeLinks.PATH)
  @ApiResponse(
      responseCode = "200",
      description = "A page asking to confirm",
      content = @Content(mediaType = "text/html", schema = @Schema(type = "string")))
  ResponseEntity<String> page(
      @RequestParam(required = false) @SingleLine(max = TextRules.ID_MAX) String c,
      @RequestParam(required = false) @SingleLine String s) {
    Customer customer = verified(c, s);
    String product = HtmlUtils.htmlEscape(productName);
    String action = HtmlUtils.htmlEscape(links.url(customer.id(), customer.email()));
    return html(
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Unsubscribe</title>
        <meta name="viewport" content="width=device-width, initial-scale=1"></head>
        <body style="font-family: sans-serif; max-width: 32rem; margin: 3rem auto">
        <h1>Unsubscribe</h1>
        <p>Stop the automated emails from %s to this address?</p>
        <form method="post" action="%s"><button type="submit">Unsubscribe</button></form>
        </body></html>
        """
            .formatted(product, action));
  }

  @Operation(
      operationId = "unsubscribe",
      summary = "Unsubscribe a customer",
      description =
          "Confirms the unsubscribe from the page, or RFC 8058 one-click from a mail "
              + "provider; the signed link names the customer. No more playbook emails go to "
              + "them.")
  @PostMapping(UnsubscribeLinks.PATH)
  ResponseEntity<?> unsubscribe(
      @RequestParam(required = false) @SingleLine(max = TextRules.ID_MAX) String c,
      @RequestParam(required = false) @SingleLine String s,
      @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
    Customer customer = verified(c, s);
    boolean added = communications.suppress(customer.email(), Communications.UNSUBSCRIBED);
    if (added) {
      timeline.add(
          customer.id(),
          clock.instant(),
          "CONSENT",
          "Unsubscribed from automated emails (one-click link): no more playbook emails");
    }
    if (accept != null && accept.contains(MediaType.TEXT_HTML_VALUE)) {
      return html(
          """
          <!doctype html>
          <html lang="en"><head><meta charset="utf-8"><title>Unsubscribed</title></head>
          <body style="font-family: sans-serif; max-width: 32rem; margin: 3rem auto">
          <h1>You are unsubscribed</h1><p>You will get no more automated emails from %s.</p>
          </body></html>
          """
              .formatted(HtmlUtils.htmlEscape(productName)));
    }
    return ResponseEntity.ok(new Unsubscribed(customer.id(), true, !added));
  }

  /** The link's customer, if the signature is theirs; otherwise a problem and no change. */
  private Customer verified(String customerId, String signature) {
    if (!StringUtils.hasText(customerId)) {
      throw ApiProblem.invalid("c", "c (the customer id of the unsubscribe link) is required");
    }
    if (!StringUtils.hasText(signature)) {
      throw ApiProblem.invalid("s", "s (the signature of the unsubscribe link) is required");
    }
    Ids.check("c", customerId);
    Optional<Customer> customer = directory.findCustomer(customerId);
    // The link names the address it was sent to: the customer's own, or one of its contacts'
    // (emails go to the primary contact). That address is the one unsubscribed.
    Optional<String> address =
        customer.stream()
            .flatMap(
                c ->
                    java.util.stream.Stream.concat(
                        java.util.stream.Stream.of(c.email()),
                        contacts.forCustomer(c.id()).stream().map(Contacts.Contact::email)))
            .filter(email -> links.verify(customerId, email, signature))
            .findFirst();
    if (address.isEmpty()) {
      // The same answer for an unknown customer: a link does not reveal who is a customer.
      throw WebhookSupport.unauthorized(
          "this unsubscribe link is not valid (altered, or for an address that has changed);"
              + " nothing was changed");
    }
    Customer c = customer.get();
    return new Customer(
        c.id(),
        c.name(),
        address.get(),
        c.csmId(),
        c.plan(),
        c.mrr(),
        c.planUsageLimit(),
        c.timezone(),
        c.locale());
  }

  private static ResponseEntity<String> html(String body) {
    return ResponseEntity.ok().contentType(MediaType.TEXT_HTML).body(body);
  }
}
