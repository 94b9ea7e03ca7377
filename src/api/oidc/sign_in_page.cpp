#include "api/oidc/sign_in_page.h"

#include "absl/strings/str_cat.h"

namespace pim::api::oidc {

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

HttpResponse HtmlPage(int status, std::string_view title, std::string_view error,
                      std::string_view body_html) {
  HttpResponse r;
  r.status = status;
  r.body = absl::StrCat(
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<title>",
      HtmlEscape(title),
      " · pim</title><style>body{font-family:system-ui,sans-serif;max-width:26rem;"
      "margin:3rem auto;padding:0 1rem;color:#1b1b1b}label{display:block;margin:.8rem 0 .2rem}"
      "input{width:100%;padding:.45rem;font-size:1rem;box-sizing:border-box}"
      "button{margin-top:1.2rem;padding:.5rem 1.2rem;font-size:1rem}"
      ".error{color:#a4262c;font-weight:600}code{font-size:1.05rem}</style></head><body><h1>",
      HtmlEscape(title), "</h1>",
      error.empty() ? ""
                    : absl::StrCat("<p class=\"error\" role=\"alert\">", HtmlEscape(error), "</p>"),
      std::string(body_html), "</body></html>");
  r.SetHeader("Content-Type", "text/html; charset=utf-8");
  r.SetHeader("Cache-Control", "no-store");
  r.SetHeader("Content-Security-Policy",
              "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
              "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  r.SetHeader("X-Frame-Options", "DENY");
  r.SetHeader("X-Content-Type-Options", "nosniff");
  r.SetHeader("Referrer-Policy", "no-referrer");
  return r;
}

std::string AuthorizeForm(const std::vector<Hidden>& hidden, std::string_view inputs_html,
                          std::string_view button) {
  std::string out = "<form method=\"post\" action=\"/oauth2/authorize\" autocomplete=\"off\">";
  for (const Hidden& h : hidden) {
    absl::StrAppend(&out, "<input type=\"hidden\" name=\"", HtmlEscape(h.name), "\" value=\"",
                    HtmlEscape(h.value), "\">");
  }
  absl::StrAppend(&out, std::string(inputs_html), "<button type=\"submit\">", HtmlEscape(button),
                  "</button></form>");
  return out;
}

}  // namespace pim::api::oidc
