package dev.retention.api.codec;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

/** The customers' data keys of the codec, in the app's PostgreSQL ({@code customer_data_keys}). */
@Configuration(proxyBeanMethods = false)
class CustomerDataKeysConfiguration {

  @Bean
  CustomerDataKeys customerDataKeys(
      CodecKeyRing ring, JdbcClient jdbc, PlatformTransactionManager transactions) {
    return new CustomerDataKeys(ring, new JdbcCustomerKeyStore(jdbc, transactions));
  }
}
