package dev.retention.data.ledger;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Meetings booked in a scheduling tool (Calendly): which customer a booking's invitee belongs to,
 * and each delivery handled once, so a webhook the tool retries adds no second timeline entry.
 */
@Repository
public class MeetingBookings {

  private final JdbcClient jdbc;
  private final Timeline timeline;

  public MeetingBookings(JdbcClient jdbc, Timeline timeline) {
    this.jdbc = jdbc;
    this.timeline = timeline;
  }

  /** Whether this delivery was handled before. */
  public boolean seen(String source, String deliveryKey) {
    return jdbc.sql("select count(*) from meeting_bookings where source = :s and delivery_key = :k")
            .param("s", source)
            .param("k", deliveryKey)
            .query(Long.class)
            .single()
        > 0;
  }

  /**
   * Records the delivery and, when it was not recorded before, the customer's timeline entry, in
   * one transaction; true when this call recorded it.
   */
  @Transactional
  public boolean record(
      String source,
      String deliveryKey,
      String customerId,
      Instant at,
      String kind,
      String summary) {
    boolean first =
        jdbc.sql(
                    """
                    insert into meeting_bookings (source, delivery_key, customer_id, received_at)
                    values (:s, :k, :c, :at)
                    on conflict (source, delivery_key) do nothing
                    """)
                .param("s", source)
                .param("k", deliveryKey)
                .param("c", customerId)
                .param("at", Timestamp.from(at))
                .update()
            == 1;
    if (first) {
      timeline.add(customerId, at, kind, summary);
    }
    return first;
  }

  /**
   * The customers (at most {@code limit}) whose own address or one of whose contacts' addresses is
   * at this domain, ignoring case; customers whose personal data was erased are left out.
   */
  public List<String> customerIdsByDomain(String domain, int limit) {
    return jdbc.sql(
            """
            select id from customers
            where lower(split_part(email, '@', -1)) = lower(:d)
              and personal_data_erased_at is null
            union
            select c.customer_id from customer_contacts c
            join customers k on k.id = c.customer_id
            where lower(split_part(c.email, '@', -1)) = lower(:d)
              and k.personal_data_erased_at is null
            order by 1 limit :limit
            """)
        .param("d", domain)
        .param("limit", limit)
        .query(String.class)
        .list();
  }
}
