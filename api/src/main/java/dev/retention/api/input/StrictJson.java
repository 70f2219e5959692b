package dev.retention.api.input;

import java.util.List;
import java.util.Map;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.type.LogicalType;

/**
 * Request bodies are read as written, never guessed at: a key given twice is refused (not "last one
 * wins"), and so are a string where a number belongs ({@code "score": "9"}), a number or a boolean
 * where a string belongs, a fraction or a boolean where a whole number belongs, a number for an
 * enum, null for a primitive, a property the request does not have, and anything after the JSON
 * value. Each ends as a 400 naming the field (see ProblemHandler). A whole number where a decimal
 * belongs ({@code "mrr": 490}) is still a decimal.
 */
@Configuration(proxyBeanMethods = false)
class StrictJson {

  /** Per kind of value, the JSON shapes refused rather than coerced into it. */
  private static final Map<LogicalType, List<CoercionInputShape>> REFUSED =
      Map.of(
          LogicalType.Textual,
          List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean),
          LogicalType.Integer,
          List.of(
              CoercionInputShape.String,
              CoercionInputShape.Float,
              CoercionInputShape.Boolean,
              CoercionInputShape.EmptyString),
          LogicalType.Float,
          List.of(
              CoercionInputShape.String,
              CoercionInputShape.Boolean,
              CoercionInputShape.EmptyString),
          LogicalType.Boolean,
          List.of(
              CoercionInputShape.String,
              CoercionInputShape.Integer,
              CoercionInputShape.EmptyString),
          LogicalType.Enum,
          List.of(CoercionInputShape.Integer, CoercionInputShape.EmptyString));

  @Bean
  JsonMapperBuilderCustomizer strictJsonInput() {
    return builder -> {
      builder
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(
              DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
              DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
              DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS);
      REFUSED.forEach(
          (type, shapes) ->
              builder.withCoercionConfig(
                  type, c -> shapes.forEach(shape -> c.setCoercion(shape, CoercionAction.Fail))));
    };
  }
}
