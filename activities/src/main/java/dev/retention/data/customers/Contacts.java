package dev.retention.data.customers;

import dev.retention.data.notes.CustomerNotes;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The people at a customer. At most one is the primary contact: the customer's emails go to them
 * ({@link CustomerDirectory#addressed}), to the customer's own address when there is none. An
 * erasure of the customer's personal data deletes them (see {@code PersonalData}).
 */
@Repository
public class Contacts {

  /** A person at the customer. */
  public record Contact(
      long id, String customerId, String name, String email, String role, boolean primary) {}

  /** What a write came to. */
  public enum Outcome {
    DONE,
    NO_CUSTOMER,
    ERASED,
    DUPLICATE_EMAIL,
    NOT_FOUND
  }

  /** A write's outcome, and the contact written when it was. */
  public record Result(Outcome outcome, Contact contact) {}

  private final JdbcClient jdbc;

  public Contacts(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public List<Contact> forCustomer(String customerId) {
    return jdbc.sql(
            SELECT + " where customer_id = :c order by is_primary desc, lower(name), id limit 500")
        .param("c", customerId)
        .query(Contact.class)
        .list();
  }

  public Optional<Contact> find(String customerId, long id) {
    return jdbc.sql(SELECT + " where customer_id = :c and id = :id")
        .param("c", customerId)
        .param("id", id)
        .query(Contact.class)
        .optional();
  }

  public Optional<Contact> primary(String customerId) {
    return jdbc.sql(SELECT + " where customer_id = :c and is_primary")
        .param("c", customerId)
        .query(Contact.class)
        .optional();
  }

  /** Adds a contact; a primary one takes the place of the customer's previous primary. */
  @Transactional
  public Result add(String customerId, String name, String email, String role, boolean primary) {
    Optional<Outcome> refused = lockCustomer(customerId);
    if (refused.isPresent()) {
      return new Result(refused.get(), null);
    }
    if (emailTaken(customerId, email, null)) {
      return new Result(Outcome.DUPLICATE_EMAIL, null);
    }
    if (primary) {
      clearPrimary(customerId);
    }
    Contact contact =
        jdbc.sql(
                """
                insert into customer_contacts (customer_id, name, email, role, is_primary)
                values (:c, :name, :email, :role, :primary)
                returning id, customer_id, name, email, role, is_primary as "primary"
                """)
            .param("c", customerId)
            .param("name", name)
            .param("email", email)
            .param("role", role)
            .param("primary", primary)
            .query(Contact.class)
            .single();
    return new Result(Outcome.DONE, contact);
  }

  /** Replaces a contact's fields. */
  @Transactional
  public Result update(
      String customerId, long id, String name, String email, String role, boolean primary) {
    Optional<Outcome> refused = lockCustomer(customerId);
    if (refused.isPresent()) {
      return new Result(refused.get(), null);
    }
    if (find(customerId, id).isEmpty()) {
      return new Result(Outcome.NOT_FOUND, null);
    }
    if (emailTaken(customerId, email, id)) {
      return new Result(Outcome.DUPLICATE_EMAIL, null);
    }
    if (primary) {
      clearPrimary(customerId);
    }
    Contact contact =
        jdbc.sql(
                """
                update customer_contacts set name = :name, email = :email, role = :role,
                  is_primary = :primary, updated_at = now()
                where customer_id = :c and id = :id
                returning id, customer_id, name, email, role, is_primary as "primary"
                """)
            .param("c", customerId)
            .param("id", id)
            .param("name", name)
            .param("email", email)
            .param("role", role)
            .param("primary", primary)
            .query(Contact.class)
            .single();
    return new Result(Outcome.DONE, contact);
  }

  /** Deletes a contact; true when there was one. */
  public boolean delete(String customerId, long id) {
    return jdbc.sql("delete from customer_contacts where customer_id = :c and id = :id")
            .param("c", customerId)
            .param("id", id)
            .update()
        > 0;
  }

  /**
   * Locks the customer row (key share, as the note and step writers do, so an erasure is either
   * before or after); why the write is refused, if it is.
   */
  private Optional<Outcome> lockCustomer(String customerId) {
    Optional<Boolean> erased =
        jdbc.sql(
                "select "
                    + CustomerNotes.ERASED_NOW
                    + " from customers c where c.id = :c for key share")
            .param("c", customerId)
            .query(Boolean.class)
            .optional();
    if (erased.isEmpty()) {
      return Optional.of(Outcome.NO_CUSTOMER);
    }
    return erased.get() ? Optional.of(Outcome.ERASED) : Optional.empty();
  }

  private boolean emailTaken(String customerId, String email, Long except) {
    return jdbc.sql(
                """
            select count(*) from customer_contacts
            where customer_id = :c and lower(email) = lower(:e)
              and (cast(:except as bigint) is null or id <> :except)
            """)
            .param("c", customerId)
            .param("e", email)
            .param("except", except)
            .query(Long.class)
            .single()
        > 0;
  }

  private void clearPrimary(String customerId) {
    jdbc.sql(
            "update customer_contacts set is_primary = false, updated_at = now()"
                + " where customer_id = :c and is_primary")
        .param("c", customerId)
        .update();
  }

  private static final String SELECT =
      "select id, customer_id, name, email, role, is_primary as \"primary\" from customer_contacts";
}
