package dev.retention.api.input;

import dev.retention.api.problems.BodyTooLarge;
import dev.retention.api.problems.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Request bodies up to {@code retention.http.max-body-size} (1 MB): a larger Content-Length is
 * answered 413 before anything is read; a body without one (chunked) fails with 413 once it has
 * grown past the limit. SendGrid Inbound Parse posts whole emails and has its own, larger limit
 * ({@code spring.servlet.multipart.max-request-size}, 30 MB); the batch endpoints take up to 10 000
 * records and have theirs, {@code retention.http.max-batch-body-size} (16 MB).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class BodySizeLimit extends OncePerRequestFilter {

  static final String INBOUND_PARSE = "/api/webhooks/sendgrid/inbound/";

  static final java.util.Set<String> BATCH_PATHS =
      java.util.Set.of("/api/metrics/batch", "/api/customers/batch");

  private final long limit;
  private final long batchLimit;
  private final ProblemWriter problems;

  BodySizeLimit(
      @Value("${retention.http.max-body-size:1MB}") DataSize limit,
      @Value("${retention.http.max-batch-body-size:16MB}") DataSize batchLimit,
      ProblemWriter problems) {
    this.limit = limit.toBytes();
    this.batchLimit = batchLimit.toBytes();
    this.problems = problems;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return request.getRequestURI().startsWith(INBOUND_PARSE);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long limit = BATCH_PATHS.contains(request.getRequestURI()) ? batchLimit : this.limit;
    if (request.getContentLengthLong() > limit) {
      problems.write(response, BodyTooLarge.of(limit));
      return;
    }
    chain.doFilter(new Limited(request, limit), response);
  }

  /** Counts what is read of the body and fails past the limit. */
  private static final class Limited extends HttpServletRequestWrapper {

    private final long limit;
    private ServletInputStream stream;

    Limited(HttpServletRequest request, long limit) {
      super(request);
      this.limit = limit;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        stream = new Counting(super.getInputStream(), limit);
      }
      return stream;
    }

    @Override
    public BufferedReader getReader() throws IOException {
      String encoding = getCharacterEncoding();
      Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
      return new BufferedReader(new InputStreamReader(getInputStream(), charset));
    }
  }

  private static final class Counting extends ServletInputStream {

    private final ServletInputStream in;
    private final long limit;
    private long read;

    Counting(ServletInputStream in, long limit) {
      this.in = in;
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) throws BodyTooLarge {
      read += n;
      if (read > limit) {
        throw new BodyTooLarge(limit);
      }
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }
  }
}
