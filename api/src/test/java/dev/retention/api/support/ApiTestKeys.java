package dev.retention.api.support;

/**
 * The email keys the API tests run with. The SendGrid pair is a real EC P-256 pair made with
 * java.security ({@code KeyPairGenerator "EC", secp256r1}); the app gets the public half, the tests
 * sign with the private half, as SendGrid would. Test-only values: never use them anywhere else.
 */
public final class ApiTestKeys {

  private ApiTestKeys() {}

  public static final String UNSUBSCRIBE_SECRET = "api-test-unsubscribe-secret-0123456789abcdef";

  /** Base64 DER (X.509 SubjectPublicKeyInfo), as SendGrid shows its verification key. */
  public static final String SENDGRID_PUBLIC_KEY =
      "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEYAnyF5Epm+7OQWY3ZjXWYMXRakkBE0x6IMZ15dgM/5GdI9r2+uWTJkldPgW9t6NE9w5eA4XNaGRo0HgGvVSmZA==";

  /** Base64 DER (PKCS#8) of the private half of {@link #SENDGRID_PUBLIC_KEY}. */
  public static final String SENDGRID_PRIVATE_KEY =
      "MEECAQAwEwYHKoZIzj0CAQYIKoZIzj0DAQcEJzAlAgEBBCDnsPIxQtQ4Eu+0c/prqW1Ixnvdd1pjK7ldPuPvtf5bEw==";

  public static final String SENDGRID_INBOUND_TOKEN = "api-test-inbound-token-5d1c";

  public static final String RESEND_WEBHOOK_SECRET = "whsec_nddogqn3v0zzocuNKzv6tIXvxPN07a9n";

  /** Calendly's webhook signing key (any string; Calendly's own are 43 characters). */
  public static final String CALENDLY_SIGNING_KEY = "api-test-calendly-signing-key-0f3e9a7c21b4d8";

  /** Segment's source write key (sent as the HTTP Basic user name). */
  public static final String SEGMENT_WRITE_KEY = "api-test-segment-write-key-7c1d0e";

  /** The shared secret of Segment's Webhook destination (X-Signature, HMAC-SHA1). */
  public static final String SEGMENT_SHARED_SECRET = "api-test-segment-shared-secret-93ab2f";

  /** The admin integration key the API tests call with (registered by its hash at start). */
  public static final String ADMIN_KEY =
      "rpk_apitestadmin_ApiTestOnlyAdminKeyNeverUseItAnywhereElse01";
}
