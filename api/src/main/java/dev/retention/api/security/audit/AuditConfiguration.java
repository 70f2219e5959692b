package dev.retention.api.security.audit;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

@Configuration(proxyBeanMethods = false)
class AuditConfiguration {

  /**
   * The audit trail of writes, outside every other filter (the body-size limit, the request
   * firewall and the security chain), so that what they refuse is audited too.
   */
  @Bean
  @ConditionalOnWebApplication
  FilterRegistrationBean<AuditFilter> auditFilter(
      AuditLog audit,
      @Qualifier("requestMappingHandlerMapping")
          ObjectProvider<RequestMappingHandlerMapping> routes) {
    FilterRegistrationBean<AuditFilter> registration =
        new FilterRegistrationBean<>(new AuditFilter(audit, routes));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 5);
    return registration;
  }
}
