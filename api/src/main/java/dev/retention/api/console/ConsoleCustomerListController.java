package dev.retention.api.console;

import dev.retention.api.playbooks.PlaybookStarts;
import dev.retention.api.security.Access;
import dev.retention.api.security.Callers;
import dev.retention.data.console.ConsoleReads;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.Arrays;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/** The customer list: the portfolio the caller may see, filtered, searched, sorted and paged. */
@Controller
@Hidden
class ConsoleCustomerListController {

  static final int PAGE_SIZE = 50;

  private final Access access;
  private final ConsoleReads reads;
  private final PlaybookStarts starts;

  ConsoleCustomerListController(Access access, ConsoleReads reads, PlaybookStarts starts) {
    this.access = access;
    this.reads = reads;
    this.starts = starts;
  }

  @GetMapping("/console/customers")
  String customers(
      @RequestParam(required = false) String band,
      @RequestParam(required = false) String csm,
      @RequestParam(required = false) String playbook,
      @RequestParam(defaultValue = "RISK") String sort,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(required = false) String q,
      @RequestParam(defaultValue = "false") boolean uncovered,
      @RequestHeader(name = "HX-Request", required = false) String htmx,
      @RequestHeader(name = "HX-Target", required = false) String target,
      Model model) {
    List<String> visible = access.visibleCsmIds().orElse(null);
    String bandFilter = oneOf(band, List.of("HEALTHY", "NEUTRAL", "AT_RISK", "CRITICAL"));
    String playbookFilter = oneOf(playbook, starts.startable());
    List<ConsoleReads.CsmLine> csms = reads.csms(visible);
    String csmFilter = oneOf(csm, csms.stream().map(ConsoleReads.CsmLine::id).toList());
    ConsoleReads.Sort order =
        Arrays.stream(ConsoleReads.Sort.values())
            .filter(s -> s.name().equals(sort))
            .findFirst()
            .orElse(ConsoleReads.Sort.RISK);
    int pageNumber = Math.max(0, Math.min(page, 10_000));
    // A search is one line of at most 200 characters: control characters become spaces.
    String cleaned = q == null ? "" : q.replaceAll("[\\p{Cntrl}\\u2028\\u2029]", " ").strip();
    String query = cleaned.isEmpty() ? null : cleaned.substring(0, Math.min(cleaned.length(), 200));
    ConsoleReads.CustomerPage result =
        reads.customers(
            new ConsoleReads.CustomerFilter(
                visible, bandFilter, csmFilter, playbookFilter, order, query, uncovered),
            pageNumber,
            PAGE_SIZE);
    model.addAttribute("result", result);
    model.addAttribute("csms", csms);
    model.addAttribute("band", bandFilter);
    model.addAttribute("csm", csmFilter);
    model.addAttribute("playbook", playbookFilter);
    model.addAttribute("sort", order.name());
    model.addAttribute("playbooks", starts.startable());
    model.addAttribute("lastPage", Math.max(0, (result.total() - 1) / PAGE_SIZE));
    model.addAttribute("q", query == null ? "" : query);
    model.addAttribute("uncovered", uncovered);
    model.addAttribute("admin", Callers.require().isAdmin());
    // The search box asks for the results only, as the person types.
    return htmx != null && "customer-results".equals(target)
        ? "console/customers :: results"
        : "console/customers";
  }

  private static String oneOf(String value, List<String> allowed) {
    return value != null && allowed.contains(value) ? value : null;
  }
}
