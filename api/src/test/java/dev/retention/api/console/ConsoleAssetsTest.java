package dev.retention.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.core.ResolvableType;
import org.springframework.web.servlet.resource.ResourceUrlEncodingFilter;

/**
 * The files a console page names are served as it names them, without a login, and the Swagger UI
 * still loads its own: with no resource chain (application.yaml says why), a page's links are
 * written as the template gives them, never looked up on the classpath first.
 */
@ApiTest
class ConsoleAssetsTest {

  static final Pattern ASSET = Pattern.compile("(?:href|src)=\"(/(?:assets|webjars)/[^\"]+)\"");

  @LocalServerPort int port;
  @Autowired ApplicationContext context;

  @Test
  void theFilesTheLoginPageNames_areServedAsNamed_toABrowserNotLoggedIn() {
    HttpApi anonymous = new HttpApi(port).anonymous();
    Response page = anonymous.get("/login");
    assertThat(page.status()).isEqualTo(200);

    List<String> assets = new ArrayList<>();
    Matcher named = ASSET.matcher(page.body().asText());
    while (named.find()) {
      assets.add(named.group(1));
    }
    assertThat(assets)
        .anyMatch(a -> a.endsWith("/console.css"))
        .anyMatch(a -> a.endsWith("/console.js"))
        .anyMatch(a -> a.startsWith("/webjars/htmx.org/") && a.endsWith("/htmx.min.js"));
    for (String asset : assets) {
      Response file = anonymous.get(asset);
      assertThat(file.status()).as(asset).isEqualTo(200);
      assertThat(file.contentType())
          .as(asset)
          .startsWith(asset.endsWith(".css") ? "text/css" : "text/javascript");
    }
  }

  @Test
  void noPageLink_isLookedUpAsAStaticFile() {
    assertThat(context.getBeansOfType(ResourceUrlEncodingFilter.class)).isEmpty();
    assertThat(
            context.getBeanNamesForType(
                ResolvableType.forClassWithGenerics(
                    FilterRegistrationBean.class, ResourceUrlEncodingFilter.class)))
        .isEmpty();
  }

  @Test
  void theSwaggerUi_stillFindsItsOwnFiles() {
    HttpApi anonymous = new HttpApi(port).anonymous();
    Response index = anonymous.get("/swagger-ui/index.html");
    assertThat(index.status()).isEqualTo(200);
    assertThat(index.contentType()).startsWith("text/html");
    assertThat(anonymous.get("/swagger-ui/swagger-ui-bundle.js").status()).isEqualTo(200);
  }
}
