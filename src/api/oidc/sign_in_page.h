// The HTML of the sign-in page: small, self-contained (inline style, no script), every value
// HTML-escaped. Served with a strict Content-Security-Policy and frame-ancestors 'none'.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pim/api/http.h"

namespace pim::api::oidc {

// `text` with & < > " ' escaped.
[[nodiscard]] std::string HtmlEscape(std::string_view text);

// A hidden form field.
struct Hidden {
  std::string name;
  std::string value;
};

// The page at `status` with a title, an optional error line, and `body_html` (already safe).
[[nodiscard]] HttpResponse HtmlPage(int status, std::string_view title, std::string_view error,
                                    std::string_view body_html);

// A form posting to /oauth2/authorize with `hidden` fields, `inputs_html` and a submit button.
[[nodiscard]] std::string AuthorizeForm(const std::vector<Hidden>& hidden,
                                        std::string_view inputs_html, std::string_view button);

}  // namespace pim::api::oidc
