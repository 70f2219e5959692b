package dev.retention.api.problems;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowServiceException;
import org.junit.jupiter.api.Test;
import org.springframework.context.support.ResourceBundleMessageSource;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Temporal down, overloaded or too slow, as the SDK reports it after its own retries (a client call
 * wraps the gRPC status in a {@link WorkflowServiceException}, a raw service call throws it bare):
 * 503 problem+json with {@code Retry-After}, in the caller's language, never a 500. Any other gRPC
 * failure is a bug and stays a 500.
 */
class TemporalDownProblemTest {

  @RestController
  static class Failing {
    @GetMapping("/start")
    void start() {
      throw new WorkflowServiceException(
          WorkflowExecution.newBuilder().setWorkflowId("at-risk-c1").build(),
          "PlaybookEngine",
          new StatusRuntimeException(Status.UNAVAILABLE.withDescription("connection refused")));
    }

    @GetMapping("/describe")
    void describe() {
      throw new StatusRuntimeException(Status.DEADLINE_EXCEEDED);
    }

    @GetMapping("/busy")
    void busy() {
      throw new StatusRuntimeException(Status.RESOURCE_EXHAUSTED);
    }

    @GetMapping("/bug")
    void bug() {
      throw new StatusRuntimeException(Status.INVALID_ARGUMENT.withDescription("a bug of ours"));
    }
  }

  final MockMvc mvc =
      MockMvcBuilders.standaloneSetup(new Failing())
          .setControllerAdvice(
              new ProblemHandler(), new ProblemLanguage(new ProblemTexts(messages())))
          .build();

  @Test
  void temporalUnreachable_is503_sayingNothingChanged() throws Exception {
    mvc.perform(get("/start"))
        .andExpect(status().isServiceUnavailable())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(header().string("Retry-After", "5"))
        .andExpect(jsonPath("$.title").value("Service unavailable"))
        .andExpect(
            jsonPath("$.detail")
                .value("Temporal is unavailable; nothing was changed, retry later"));
  }

  @Test
  void temporalTooSlow_is503_sayingTheChangeMayHaveBeenMade() throws Exception {
    mvc.perform(get("/describe"))
        .andExpect(status().isServiceUnavailable())
        .andExpect(
            jsonPath("$.detail")
                .value(
                    org.hamcrest.Matchers.startsWith(
                        "Temporal did not answer in time; the change may or may not have been made")));
  }

  @Test
  void temporalOverloaded_is503() throws Exception {
    mvc.perform(get("/busy"))
        .andExpect(status().isServiceUnavailable())
        .andExpect(
            jsonPath("$.detail").value("Temporal is overloaded; nothing was changed, retry later"));
  }

  @Test
  void inDutch_whenTheCallerAsksForIt() throws Exception {
    mvc.perform(get("/start").header("Accept-Language", "nl"))
        .andExpect(status().isServiceUnavailable())
        .andExpect(jsonPath("$.title").value("Dienst niet beschikbaar"))
        .andExpect(
            jsonPath("$.detail")
                .value(
                    "Temporal is niet beschikbaar; er is niets veranderd, probeer het later"
                        + " opnieuw."));
  }

  @Test
  void anyOtherGrpcFailure_staysAnInternalError() throws Exception {
    mvc.perform(get("/bug"))
        .andExpect(status().isInternalServerError())
        .andExpect(jsonPath("$.title").value("Internal error"));
  }

  private static ResourceBundleMessageSource messages() {
    ResourceBundleMessageSource messages = new ResourceBundleMessageSource();
    messages.setBasename("problems/messages");
    messages.setDefaultEncoding("UTF-8");
    messages.setFallbackToSystemLocale(false);
    return messages;
  }
}
