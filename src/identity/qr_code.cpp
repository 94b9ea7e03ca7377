#include "pim/identity/qr_code.h"

#include <qrencode.h>

#include <memory>

#include "absl/strings/str_cat.h"

namespace pim::identity {
namespace {

constexpr std::size_t kMaxPayloadBytes = 2331;  // version 40, level M, byte mode
constexpr int kQuietZone = 4;

struct QrFree {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

}  // namespace

absl::StatusOr<std::string> QrCodeSvg(std::string_view text) {
  if (text.size() > kMaxPayloadBytes)
    return absl::InvalidArgumentError("text too long for a QR code");
  const std::unique_ptr<QRcode, QrFree> code(
      QRcode_encodeData(static_cast<int>(text.size()),
                        reinterpret_cast<const unsigned char*>(text.data()), 0, QR_ECLEVEL_M));
  if (!code) return absl::InvalidArgumentError("text cannot be encoded as a QR code");
  const int width = code->width;
  const int size = width + 2 * kQuietZone;
  std::string path;
  // One subpath per horizontal run of dark modules; bit 0 of each module byte is "dark".
  for (int y = 0; y < width; ++y) {
    const unsigned char* row = code->data + static_cast<std::ptrdiff_t>(y) * width;
    for (int x = 0; x < width;) {
      if ((row[x] & 1) == 0) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < width && (row[x + run] & 1) != 0) ++run;
      absl::StrAppend(&path, "M", x + kQuietZone, ",", y + kQuietZone, "h", run, "v1h-", run, "z");
      x += run;
    }
  }
  return absl::StrCat(
      R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 )", size, " ", size,
      R"(" shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#fff"/>)",
      R"(<path fill="#000" d=")", path, R"("/></svg>)");
}

}  // namespace pim::identity
