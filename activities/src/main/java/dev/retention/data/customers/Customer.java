package dev.retention.data.customers;

import java.math.BigDecimal;

/** A customer of the SaaS, owned by one CSM. */
public record Customer(
    String id,
    String name,
    String email,
    String csmId,
    String plan,
    BigDecimal mrr,
    int planUsageLimit,
    String timezone,
    String locale) {}
