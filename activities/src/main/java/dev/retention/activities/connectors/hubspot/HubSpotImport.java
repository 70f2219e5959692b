package dev.retention.activities.connectors.hubspot;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Connects HubSpot: creates our properties where absent, matches HubSpot owners to CSMs by email
 * address and HubSpot companies to customers (by the company's domain, the domain of the customer's
 * address when exactly one customer has it; or by a company property holding our customer id),
 * keeps the mapping, and queues each mapped company's health and playbook. Running it again updates
 * the mapping; nothing is duplicated.
 */
public class HubSpotImport {

  /**
   * What an import did: properties created, companies read and matched to customers, companies no
   * customer matched or several did, owners matched to CSMs and CSMs with no HubSpot owner.
   */
  public record Report(
      int propertiesCreated,
      int companies,
      int customersMatched,
      int companiesUnmatched,
      int companiesAmbiguous,
      int ownersMatched,
      int csmsWithoutOwner) {}

  private final HubSpotCrm crm;
  private final HubSpotOutbox outbox;
  private final HubSpotSettings settings;
  private final JdbcClient jdbc;

  public HubSpotImport(
      HubSpotCrm crm, HubSpotOutbox outbox, HubSpotSettings settings, JdbcClient jdbc) {
    this.crm = crm;
    this.outbox = outbox;
    this.settings = settings;
    this.jdbc = jdbc;
  }

  public Report run() {
    int created = crm.ensureProperties();
    jdbc.sql(
            """
            insert into hubspot_state (name, value) values ('properties', :prefix)
            on conflict (name) do update set value = excluded.value, updated_at = now()
            """)
        .param("prefix", settings.propertyPrefix())
        .update();
    int owners = owners();
    int csms = jdbc.sql("select count(*) from csms").query(Integer.class).single();
    int[] companies = companies();
    outbox.queueAllCompanies();
    return new Report(
        created, companies[0], companies[1], companies[2], companies[3], owners, csms - owners);
  }

  private int owners() {
    Map<String, String> byEmail = new HashMap<>();
    for (HubSpotCrm.Owner owner : crm.owners()) {
      byEmail.put(owner.email().strip().toLowerCase(Locale.ROOT), owner.id());
    }
    int matched = 0;
    for (Map.Entry<String, String> csm :
        jdbc.sql("select id, email from csms")
            .query((rs, i) -> Map.entry(rs.getString("id"), rs.getString("email")))
            .list()) {
      String owner = byEmail.get(csm.getValue().strip().toLowerCase(Locale.ROOT));
      if (owner == null) {
        jdbc.sql("delete from hubspot_owners where csm_id = :c").param("c", csm.getKey()).update();
        continue;
      }
      jdbc.sql(
              """
              insert into hubspot_owners (csm_id, owner_id) values (:c, :o)
              on conflict (csm_id) do update set owner_id = excluded.owner_id, matched_at = now()
              """)
          .param("c", csm.getKey())
          .param("o", owner)
          .update();
      matched++;
    }
    return matched;
  }

  /** Companies read, customers matched, companies unmatched, companies ambiguous. */
  private int[] companies() {
    boolean byDomain = "domain".equals(settings.companyMatch().trim());
    List<HubSpotCrm.Company> companies =
        crm.companies(byDomain ? null : settings.companyMatch().trim());
    int matched = 0;
    int unmatched = 0;
    int ambiguous = 0;
    for (HubSpotCrm.Company company : companies) {
      List<String> customers = byDomain ? byDomain(company.domain()) : byId(company.matchValue());
      if (customers.isEmpty()) {
        unmatched++;
        continue;
      }
      if (customers.size() > 1) {
        ambiguous++;
        continue;
      }
      jdbc.sql("delete from hubspot_companies where company_id = :co and customer_id <> :c")
          .param("co", company.id())
          .param("c", customers.getFirst())
          .update();
      jdbc.sql(
              """
              insert into hubspot_companies (customer_id, company_id, matched_by)
              values (:c, :co, :by)
              on conflict (customer_id) do update set company_id = excluded.company_id,
                matched_by = excluded.matched_by, imported_at = now()
              """)
          .param("c", customers.getFirst())
          .param("co", company.id())
          .param("by", byDomain ? "domain" : settings.companyMatch().trim())
          .update();
      matched++;
    }
    return new int[] {companies.size(), matched, unmatched, ambiguous};
  }

  private List<String> byDomain(String domain) {
    if (domain == null || domain.isBlank()) {
      return List.of();
    }
    String d = domain.strip().toLowerCase(Locale.ROOT);
    d = d.replaceFirst("^https?://", "").replaceFirst("^www\\.", "").replaceFirst("/.*$", "");
    return jdbc.sql(
            "select id from customers where lower(split_part(email, '@', 2)) = :d"
                + " order by id limit 2")
        .param("d", d)
        .query(String.class)
        .list();
  }

  private List<String> byId(String customerId) {
    if (customerId == null || customerId.isBlank()) {
      return List.of();
    }
    return jdbc.sql("select id from customers where id = :c")
        .param("c", customerId.strip())
        .query(String.class)
        .list();
  }
}
