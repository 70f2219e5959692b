package dev.retention.api.codec;

import io.temporal.common.converter.DataConverter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Temporal history nobody can read: every payload the app's client and workers write goes through
 * {@link AesGcmPayloadCodec}. The Temporal Spring Boot starter hands the one {@code
 * mainDataConverter} bean to the client, to the workers (they share the client's options), and to
 * the embedded test server's client.
 *
 * <p>Keys: {@code retention.codec.keys} ({@code id:base64} pairs, env {@code RETENTION_CODEC_KEYS},
 * or a map {@code id: base64}) and {@code retention.codec.active-key-id} (env {@code
 * RETENTION_CODEC_ACTIVE_KEY}; needed with more than one key). Required with a real Temporal
 * server. On the embedded runtime, without keys, the key in {@code retention.codec.key-file} is
 * used (created on the first start), or, with no key file, one generated for this run. The
 * customers' data keys (crypto-shredding) are wrapped by the active key.
 */
@Configuration(proxyBeanMethods = false)
class CodecConfiguration {

  private static final Logger log = LoggerFactory.getLogger(CodecConfiguration.class);

  static final String KEYS = "retention.codec.keys";
  static final String ACTIVE_KEY = "retention.codec.active-key-id";
  static final String KEY_FILE = "retention.codec.key-file";
  static final String CORS_ORIGINS = "retention.codec.cors-origins";

  @Bean
  CodecKeyRing codecKeyRing(Environment env, Clock clock) {
    SecureRandom random = new SecureRandom();
    Map<String, String> configured = configuredKeys(env);
    CodecKeyRing ring;
    String source;
    if (!configured.isEmpty()) {
      ring = ring(configured, env.getProperty(ACTIVE_KEY, ""));
      source = KEYS;
    } else if (!env.getProperty("spring.temporal.test-server.enabled", Boolean.class, false)
        && !env.getProperty("retention.runtime.local-temporal", Boolean.class, false)) {
      throw new IllegalStateException(
          "Temporal payloads are encrypted, and with a real Temporal server (TEMPORAL_ADDRESS) the"
              + " keys must be configured: set RETENTION_CODEC_KEYS (retention.codec.keys) to"
              + " id:base64 pairs of 32 random bytes, e.g."
              + " RETENTION_CODEC_KEYS=k1:$(openssl rand -base64 32), and, with more than one"
              + " key, RETENTION_CODEC_ACTIVE_KEY to the id that encrypts new payloads."
              + " Every worker, client and the codec endpoint need the same keys.");
    } else {
      String file = env.getProperty(KEY_FILE, "").strip();
      if (file.isEmpty()) {
        String id = "ephemeral";
        ring = CodecKeyRing.of(Map.of(id, CodecKeyRing.newBase64Key(random)), id);
        source = "a key generated for this run (no " + KEY_FILE + ")";
      } else {
        CodecKeyFile keyFile = new CodecKeyFile(Path.of(file));
        try {
          ring = keyFile.loadOrCreate(random, clock);
        } catch (IOException e) {
          throw new UncheckedIOException(
              "could not read or create the payload key file " + keyFile.path(), e);
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException(keyFile.path() + ": " + e.getMessage(), e);
        }
        source = "the key file " + keyFile.path();
      }
    }
    log.info(
        "Temporal payloads are encrypted with AES-256-GCM; active key '{}' of {} (from {})",
        ring.activeKeyId(),
        ring.keyIds(),
        source);
    return ring;
  }

  /**
   * The codec; with the customers' data keys ({@link CustomerDataKeysConfiguration}, the app's
   * PostgreSQL) the payloads of a customer's runs are encrypted with their data key.
   */
  @Bean
  AesGcmPayloadCodec payloadCodec(
      CodecKeyRing keys, ObjectProvider<CustomerDataKeys> customerDataKeys) {
    return new AesGcmPayloadCodec(keys, customerDataKeys.getIfAvailable());
  }

  /** The one data converter of the app: the default JSON conversion, every payload encrypted. */
  @Bean(name = "mainDataConverter")
  DataConverter mainDataConverter(AesGcmPayloadCodec codec) {
    return codec.dataConverter();
  }

  /**
   * CORS for the Temporal UI, whose browser code calls the codec endpoint from its own origin with
   * {@code X-Namespace} and, when so configured, the caller's credentials. Spring Security takes
   * this mapping over with {@code http.cors(...)}.
   */
  @Bean
  WebMvcConfigurer codecCors(Environment env) {
    String[] origins =
        env.getProperty(CORS_ORIGINS, String[].class, new String[] {"http://localhost:8233"});
    for (String origin : origins) {
      if (origin.contains("*")) {
        throw new IllegalStateException(
            CORS_ORIGINS
                + " lists '"
                + origin
                + "': the codec endpoint answers with credentials, so name each Temporal UI"
                + " origin exactly (e.g. http://localhost:8233)");
      }
    }
    return new WebMvcConfigurer() {
      @Override
      public void addCorsMappings(CorsRegistry registry) {
        registry
            .addMapping("/codec/**")
            .allowedOrigins(origins)
            .allowedMethods("POST")
            .allowedHeaders("Content-Type", "X-Namespace", "Authorization")
            .allowCredentials(true)
            .maxAge(3600);
      }
    };
  }

  private static Map<String, String> configuredKeys(Environment env) {
    String pairs = env.getProperty(KEYS, "");
    if (!pairs.isBlank()) {
      try {
        return CodecKeyRing.parse(pairs);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(KEYS + " (env RETENTION_CODEC_KEYS): " + e.getMessage());
      }
    }
    return Binder.get(env).bind(KEYS, Bindable.mapOf(String.class, String.class)).orElse(Map.of());
  }

  private static CodecKeyRing ring(Map<String, String> keys, String active) {
    try {
      return CodecKeyRing.of(keys, active);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(KEYS + " (env RETENTION_CODEC_KEYS): " + e.getMessage());
    }
  }
}
