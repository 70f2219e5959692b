package dev.retention.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.data.reports.Reports;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;
import org.thymeleaf.templateresolver.StringTemplateResolver;

/**
 * The charts' markup is the template's: labels and titles come out escaped by the template engine,
 * attributes a shape does not have are left out, numbers carry a dot.
 */
class ChartsTest {

  private static final TemplateEngine ENGINE = engine();

  @Test
  void labelsAndTitles_areEscapedByTheTemplate() {
    Function<String, String> msg = key -> "<script>alert('" + key + "')</script>";
    String html = render(Charts.npsSplit(new Reports.NpsReport(10, 5, 3, 2, 30), msg));

    assertThat(html).doesNotContain("<script>");
    assertThat(html).contains("&lt;script&gt;alert(&#39;chart.nps.split&#39;)&lt;/script&gt;");
    assertThat(html).contains("&lt;script&gt;alert(&#39;nps.promoters&#39;)&lt;/script&gt;: 5");
    assertThat(html).startsWith("<svg id=\"nps-split\" class=\"chart\" role=\"img\"");
    assertThat(html).contains("viewBox=\"0 0 720 54\"");
    assertThat(html).contains("aria-labelledby=\"nps-split-title\"");
  }

  @Test
  void aRateWithoutATarget_hasNoTargetLine_andItsNumbersUseADot() {
    String html = render(Charts.rate("rate-x", "Save rate", 0.5, null));

    assertThat(html).doesNotContain("<line");
    assertThat(html).contains("class=\"rate\" x=\"0\" y=\"6\" width=\"130\" height=\"18\"");
    assertThat(html).doesNotContain("fill-opacity");
    assertThat(html).contains(">50.0 %</text>");

    String withTarget = render(Charts.rate("rate-y", "Completion", 0.25, 0.6));
    assertThat(withTarget)
        .contains("<line class=\"target\" x1=\"156\" y1=\"2\" x2=\"156\" y2=\"30\"");
    assertThat(withTarget).contains("fill=\"" + Charts.AT_RISK + "\"");
  }

  private static String render(Svg chart) {
    Context context = new Context();
    context.setVariable("c", chart);
    return ENGINE
        .process("<div th:replace=\"~{console/charts :: chart(${c})}\"></div>", context)
        .strip();
  }

  private static TemplateEngine engine() {
    ClassLoaderTemplateResolver files = new ClassLoaderTemplateResolver();
    files.setPrefix("templates/");
    files.setSuffix(".html");
    files.setTemplateMode(TemplateMode.HTML);
    files.setResolvablePatterns(Set.of("console/*"));
    files.setOrder(1);
    StringTemplateResolver strings = new StringTemplateResolver();
    strings.setOrder(2);
    SpringTemplateEngine engine = new SpringTemplateEngine();
    engine.addTemplateResolver(files);
    engine.addTemplateResolver(strings);
    return engine;
  }
}
