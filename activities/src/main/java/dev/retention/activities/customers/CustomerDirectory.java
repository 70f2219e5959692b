package dev.retention.activities.customers;

import java.util.Optional;
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

  public Optional<Customer> findCustomer(String id) {
    return jdbc.sql(
            """
            select id, name, email, csm_id, plan, mrr, plan_usage_limit, timezone, locale
            from customers where id = :id
            """)
        .param("id", id)
        .query(Customer.class)
        .optional();
  }

  public boolean customerExists(String id) {
    return jdbc.sql("select count(*) from customers where id = :id")
            .param("id", id)
            .query(Long.class)
            .single()
        > 0;
  }
}
