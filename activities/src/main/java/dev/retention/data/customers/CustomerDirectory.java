package dev.retention.data.customers;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** CSMs and customers in PostgreSQL. Upserts say whether the row was created. */
@Repository
public class CustomerDirectory {

  private final JdbcClient jdbc;

  public CustomerDirectory(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Creates or replaces a CSM; true when it was created. */
  public boolean upsertCsm(Csm csm) {
    return jdbc.sql(
            """
            insert into csms (id, name, email, manager_email) values (:id, :name, :email, :manager)
            on conflict (id) do update set name = excluded.name, email = excluded.email,
              manager_email = excluded.manager_email, updated_at = now()
            returning (xmax = 0) as inserted
            """)
        .param("id", csm.id())
        .param("name", csm.name())
        .param("email", csm.email())
        .param("manager", csm.managerEmail())
        .query(Boolean.class)
        .single();
  }

  public Optional<Csm> findCsm(String id) {
    return jdbc.sql("select id, name, email, manager_email from csms where id = :id")
        .param("id", id)
        .query(Csm.class)
        .optional();
  }

  /** Creates or replaces a customer; true when it was created. */
  public boolean upsertCustomer(Customer c) {
    return jdbc.sql(
            """
            insert into customers (id, name, email, csm_id, plan, mrr, plan_usage_limit, timezone, locale)
            values (:id, :name, :email, :csmId, :plan, :mrr, :limit, :timezone, :locale)
            on conflict (id) do update set name = excluded.name, email = excluded.email,
              csm_id = excluded.csm_id, plan = excluded.plan, mrr = excluded.mrr,
              plan_usage_limit = excluded.plan_usage_limit, timezone = excluded.timezone,
              locale = excluded.locale, updated_at = now()
            returning (xmax = 0) as inserted
            """)
        .param("id", c.id())
        .param("name", c.name())
        .param("email", c.email())
        .param("csmId", c.csmId())
        .param("plan", c.plan())
        .param("mrr", c.mrr())
        .param("limit", c.planUsageLimit())
        .param("timezone", c.timezone())
        .param("locale", c.locale())
        .query(Boolean.class)
        .single();
  }

  /** A customer row's columns, as {@link #customer} reads them. */
  private static final String SELECT =
      "select id, name, email, csm_id, plan, mrr, plan_usage_limit, timezone, locale"
          + " from customers";

  public Optional<Customer> findCustomer(String id) {
    return jdbc.sql(SELECT + " where id = :id")
        .param("id", id)
        .query(CustomerDirectory::customer)
        .optional();
  }

  /** When the customer's contract renews and its annual recurring revenue; either may be null. */
  public record Commercials(java.time.LocalDate renewalDate, BigDecimal arr) {}

  public Commercials commercials(String id) {
    return jdbc.sql("select renewal_date, arr from customers where id = :id")
        .param("id", id)
        .query(
            (rs, i) ->
                new Commercials(
                    rs.getObject("renewal_date", java.time.LocalDate.class),
                    rs.getBigDecimal("arr")))
        .optional()
        .orElse(new Commercials(null, null));
  }

  /**
   * Sets the renewal date and ARR of these customers, one statement; a null field is left as it was
   * (a client that does not send them does not clear them).
   */
  public void setCommercials(Map<String, Commercials> byCustomer) {
    if (byCustomer.isEmpty()) {
      return;
    }
    List<String> ids = List.copyOf(byCustomer.keySet());
    jdbc.sql(
            """
            update customers c set renewal_date = coalesce(v.renewal, c.renewal_date),
              arr = coalesce(v.arr, c.arr)
            from unnest(cast(:ids as text[]), cast(:renewals as date[]), cast(:arrs as numeric[]))
              as v(id, renewal, arr)
            where c.id = v.id
            """)
        .param("ids", ids.toArray(String[]::new))
        .param(
            "renewals",
            ids.stream()
                .map(byCustomer::get)
                .map(c -> c.renewalDate() == null ? null : java.sql.Date.valueOf(c.renewalDate()))
                .toArray(java.sql.Date[]::new))
        .param(
            "arrs",
            ids.stream().map(byCustomer::get).map(Commercials::arr).toArray(BigDecimal[]::new))
        .update();
  }

  /**
   * Gives these customers to a CSM; the ids of those that changed hands. {@code updated_at} stays:
   * it says when the record was last replaced (an erased customer stays erased until added again).
   */
  public List<String> assignCsm(Collection<String> customerIds, String csmId) {
    return jdbc.sql(
            """
            update customers set csm_id = :csm
            where id = any(cast(:ids as text[])) and csm_id <> :csm returning id
            """)
        .param("csm", csmId)
        .param("ids", customerIds.stream().distinct().toArray(String[]::new))
        .query(String.class)
        .list();
  }

  /**
   * The customer as its emails address it: to its primary contact's address when it has one (see
   * {@link Contacts}), to its own otherwise.
   */
  public Customer addressed(Customer customer) {
    return jdbc.sql("select email from customer_contacts where customer_id = :c and is_primary")
        .param("c", customer.id())
        .query(String.class)
        .optional()
        .map(
            email ->
                new Customer(
                    customer.id(),
                    customer.name(),
                    email,
                    customer.csmId(),
                    customer.plan(),
                    customer.mrr(),
                    customer.planUsageLimit(),
                    customer.timezone(),
                    customer.locale()))
        .orElse(customer);
  }

  public boolean customerExists(String id) {
    return jdbc.sql("select count(*) from customers where id = :id")
            .param("id", id)
            .query(Long.class)
            .single()
        > 0;
  }

  /** The given customers that exist, by id (one query, for batches). */
  public Map<String, Customer> findCustomers(Collection<String> ids) {
    return byIds(ids, "");
  }

  /**
   * The given customers that exist, by id, locked for the caller's transaction as a single scoring
   * locks its customer ({@code for no key update}), in id order so two batches cannot deadlock. One
   * statement reads and locks them: a batch's scoring round learns here which of its customers
   * exist, and what their runs need, instead of reading them once more before.
   */
  public Map<String, Customer> lockCustomers(Collection<String> ids) {
    return byIds(ids, " order by id for no key update");
  }

  /**
   * The customers of {@code ids} that exist, by id, read in one statement ending in {@code tail}.
   */
  private Map<String, Customer> byIds(Collection<String> ids, String tail) {
    Map<String, Customer> found = new LinkedHashMap<>();
    jdbc.sql(SELECT + " where id = any(:ids)" + tail)
        .param("ids", ids.stream().distinct().toArray(String[]::new))
        .query(CustomerDirectory::customer)
        .list()
        .forEach(c -> found.put(c.id(), c));
    return found;
  }

  /** The given CSM ids that exist (one query, for batches). */
  public Set<String> existingCsms(Collection<String> ids) {
    return new HashSet<>(
        jdbc.sql("select id from csms where id = any(:ids)")
            .param("ids", ids.stream().distinct().toArray(String[]::new))
            .query(String.class)
            .list());
  }

  /**
   * Creates or replaces many customers in one statement, each as {@link #upsertCustomer} does; ids
   * must be distinct. Answers the ids that were created.
   */
  public Set<String> upsertCustomers(List<Customer> customers) {
    return new HashSet<>(
        jdbc
            .sql(
                """
                insert into customers (id, name, email, csm_id, plan, mrr, plan_usage_limit,
                  timezone, locale)
                select * from unnest(cast(:ids as text[]), cast(:names as text[]),
                  cast(:emails as text[]), cast(:csms as text[]), cast(:plans as text[]),
                  cast(:mrrs as numeric[]), cast(:limits as int[]), cast(:zones as text[]),
                  cast(:locales as text[]))
                on conflict (id) do update set name = excluded.name, email = excluded.email,
                  csm_id = excluded.csm_id, plan = excluded.plan, mrr = excluded.mrr,
                  plan_usage_limit = excluded.plan_usage_limit, timezone = excluded.timezone,
                  locale = excluded.locale, updated_at = now()
                returning id, (xmax = 0) as inserted
                """)
            .param("ids", customers.stream().map(Customer::id).toArray(String[]::new))
            .param("names", customers.stream().map(Customer::name).toArray(String[]::new))
            .param("emails", customers.stream().map(Customer::email).toArray(String[]::new))
            .param("csms", customers.stream().map(Customer::csmId).toArray(String[]::new))
            .param("plans", customers.stream().map(Customer::plan).toArray(String[]::new))
            .param("mrrs", customers.stream().map(Customer::mrr).toArray(BigDecimal[]::new))
            .param("limits", customers.stream().mapToInt(Customer::planUsageLimit).toArray())
            .param("zones", customers.stream().map(Customer::timezone).toArray(String[]::new))
            .param("locales", customers.stream().map(Customer::locale).toArray(String[]::new))
            .query((rs, i) -> rs.getBoolean("inserted") ? rs.getString("id") : null)
            .list()
            .stream()
            .filter(id -> id != null)
            .toList());
  }

  /** A customer row, column by column (a batch reads thousands at once). */
  private static Customer customer(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
    return new Customer(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("email"),
        rs.getString("csm_id"),
        rs.getString("plan"),
        rs.getBigDecimal("mrr"),
        rs.getInt("plan_usage_limit"),
        rs.getString("timezone"),
        rs.getString("locale"));
  }
}
