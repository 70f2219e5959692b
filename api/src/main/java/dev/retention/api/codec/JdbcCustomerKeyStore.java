package dev.retention.api.codec;

import com.google.protobuf.ByteString;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The customers' data keys in PostgreSQL ({@code customer_data_keys}, wrapped; see V13). Each call
 * commits on its own, whatever transaction the caller is in: a key that encrypted a payload sent to
 * Temporal must be there even when the caller's transaction rolls back.
 */
public final class JdbcCustomerKeyStore implements CustomerDataKeys.Store {

  private final JdbcClient jdbc;
  private final TransactionTemplate own;

  public JdbcCustomerKeyStore(JdbcClient jdbc, PlatformTransactionManager transactions) {
    this.jdbc = jdbc;
    this.own = new TransactionTemplate(transactions);
    own.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
  }

  @Override
  public CustomerDataKeys.StoredKey liveKey(
      String customerId, Supplier<CustomerDataKeys.StoredKey> created) {
    return own.execute(
        status -> {
          Optional<CustomerDataKeys.StoredKey> live = live(customerId);
          if (live.isPresent()) {
            return live.get();
          }
          CustomerDataKeys.StoredKey key = created.get();
          jdbc.sql(
                  """
                  insert into customer_data_keys (id, customer_id, wrapped_key, wrapping_key_id)
                  values (:id, :c, :wrapped, :wrapping)
                  on conflict (customer_id) where destroyed_at is null do nothing
                  """)
              .param("id", key.id())
              .param("c", customerId)
              .param("wrapped", key.wrapped().toByteArray())
              .param("wrapping", key.wrappingKeyId())
              .update();
          // Another instance may have created one first: theirs is the one.
          return live(customerId).orElseThrow();
        });
  }

  @Override
  public Optional<CustomerDataKeys.StoredKey> find(String keyId) {
    return jdbc.sql(
            "select id, customer_id, wrapped_key, wrapping_key_id from customer_data_keys"
                + " where id = :id")
        .param("id", keyId)
        .query(JdbcCustomerKeyStore::map)
        .optional();
  }

  @Override
  public void rewrap(CustomerDataKeys.StoredKey key) {
    own.executeWithoutResult(
        status ->
            jdbc.sql(
                    """
                    update customer_data_keys set wrapped_key = :wrapped, wrapping_key_id = :wrapping
                    where id = :id and destroyed_at is null
                    """)
                .param("wrapped", key.wrapped().toByteArray())
                .param("wrapping", key.wrappingKeyId())
                .param("id", key.id())
                .update());
  }

  @Override
  public int destroy(String customerId) {
    Integer destroyed =
        own.execute(
            status ->
                jdbc.sql(
                        """
                        update customer_data_keys set wrapped_key = null, destroyed_at = now()
                        where customer_id = :c and destroyed_at is null
                        """)
                    .param("c", customerId)
                    .update());
    return destroyed == null ? 0 : destroyed;
  }

  private Optional<CustomerDataKeys.StoredKey> live(String customerId) {
    return jdbc.sql(
            """
            select id, customer_id, wrapped_key, wrapping_key_id from customer_data_keys
            where customer_id = :c and destroyed_at is null
            """)
        .param("c", customerId)
        .query(JdbcCustomerKeyStore::map)
        .optional();
  }

  private static CustomerDataKeys.StoredKey map(java.sql.ResultSet rs, int row)
      throws java.sql.SQLException {
    return new CustomerDataKeys.StoredKey(
        rs.getString("id"),
        rs.getString("customer_id"),
        rs.getBytes("wrapped_key") == null ? null : ByteString.copyFrom(rs.getBytes("wrapped_key")),
        rs.getString("wrapping_key_id"));
  }
}
