// QR matrices through libqrencode; the SVG and PNG drawings are written here.
#include "market/qr.h"

#include <qrencode.h>
#include <zlib.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <new>

#include <fmt/format.h>

namespace fupin::market {
namespace {

constexpr int kMaxPixelsPerModule = 64;

struct QrcodeFree {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

void AppendUint32(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>((v >> 24) & 0xff));
  out.push_back(static_cast<char>((v >> 16) & 0xff));
  out.push_back(static_cast<char>((v >> 8) & 0xff));
  out.push_back(static_cast<char>(v & 0xff));
}

// A PNG chunk: length, type, data, and the CRC-32 of type and data.
void AppendChunk(std::string& out, std::string_view type, std::string_view data) {
  AppendUint32(out, static_cast<uint32_t>(data.size()));
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(type.data()), static_cast<uInt>(type.size()));
  // crc32() with a null buffer answers the initial value, so an empty chunk
  // (IEND) must not pass its data at all.
  if (!data.empty()) crc = crc32(crc, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size()));
  out.append(type);
  out.append(data);
  AppendUint32(out, static_cast<uint32_t>(crc));
}

Status CheckPixels(int pixels, const char* field) {
  if (pixels < 1 || pixels > kMaxPixelsPerModule) {
    return Error::Invalid(
        fmt::format("{} must be 1 to {} pixels per module (got {})", field, kMaxPixelsPerModule, pixels), field);
  }
  return {};
}

}  // namespace

Result<QrMatrix> EncodeQr(std::string_view text) {
  if (text.empty()) return Error::Invalid("a QR code needs some text to encode", "text");
  if (text.find('\0') != std::string_view::npos) {
    return Error::Invalid("the text of a QR code cannot hold a NUL byte", "text");
  }
  std::string copy(text);  // libqrencode reads a NUL-terminated string
  errno = 0;
  std::unique_ptr<QRcode, QrcodeFree> code(
      QRcode_encodeString(copy.c_str(), /*version=*/0, QR_ECLEVEL_M, QR_MODE_8, /*casesensitive=*/1));
  if (!code) {
    if (errno == ERANGE || errno == EINVAL) {
      return Error::Invalid(fmt::format("{} bytes are too many for a QR code at level M", text.size()), "text");
    }
    return Error::Internal("the QR encoder failed (out of memory)");
  }
  QrMatrix m;
  m.size = code->width;
  m.modules.resize(static_cast<size_t>(m.size) * m.size);
  for (size_t i = 0; i < m.modules.size(); ++i) m.modules[i] = (code->data[i] & 1) != 0;
  return m;
}

std::string QrPathData(const QrMatrix& matrix) {
  std::string d;
  for (int y = 0; y < matrix.size; ++y) {
    for (int x = 0; x < matrix.size;) {
      if (!matrix.Dark(x, y)) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < matrix.size && matrix.Dark(x + run, y)) ++run;
      d += fmt::format("M{} {}h{}v1h-{}z", x + kQrQuietZone, y + kQrQuietZone, run, run);
      x += run;
    }
  }
  return d;
}

std::string QrSvgOf(const QrMatrix& matrix, int module_px) {
  assert(module_px >= 1 && module_px <= kMaxPixelsPerModule);
  const int side = matrix.size + 2 * kQrQuietZone;
  const int px = side * module_px;
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{0}\" viewBox=\"0 0 {1} {1}\" "
      "shape-rendering=\"crispEdges\"><rect width=\"{1}\" height=\"{1}\" fill=\"#fff\"/>"
      "<path fill=\"#000\" d=\"{2}\"/></svg>\n",
      px, side, QrPathData(matrix));
}

std::string QrPngOf(const QrMatrix& matrix, int scale) {
  assert(scale >= 1 && scale <= kMaxPixelsPerModule);
  const uint32_t side = static_cast<uint32_t>((matrix.size + 2 * kQrQuietZone) * scale);
  const size_t row_bytes = (side + 7) / 8;

  // Scanlines: a filter byte (0, none) and the pixels, 8 to a byte, the
  // leftmost in the high bit; 1 is white.
  std::string raw;
  raw.reserve((row_bytes + 1) * side);
  std::string row(row_bytes, '\0');
  for (uint32_t py = 0; py < side; ++py) {
    const int my = static_cast<int>(py) / scale - kQrQuietZone;
    std::fill(row.begin(), row.end(), '\0');
    for (uint32_t px = 0; px < side; ++px) {
      const int mx = static_cast<int>(px) / scale - kQrQuietZone;
      const bool inside = mx >= 0 && my >= 0 && mx < matrix.size && my < matrix.size;
      const bool dark = inside && matrix.Dark(mx, my);
      if (!dark) row[px / 8] = static_cast<char>(row[px / 8] | (0x80 >> (px % 8)));
    }
    raw.push_back('\0');
    raw += row;
  }

  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size, reinterpret_cast<const Bytef*>(raw.data()),
                static_cast<uLong>(raw.size()), Z_BEST_COMPRESSION) != Z_OK) {
    // compressBound() is enough by zlib's contract; only memory can fail.
    throw std::bad_alloc();
  }
  packed.resize(packed_size);

  std::string header;
  AppendUint32(header, side);  // width
  AppendUint32(header, side);  // height
  header.push_back(1);         // bit depth
  header.push_back(0);         // colour type: grayscale
  header.push_back(0);         // compression: deflate
  header.push_back(0);         // filter method 0
  header.push_back(0);         // no interlace

  std::string png("\x89PNG\r\n\x1a\n", 8);
  AppendChunk(png, "IHDR", header);
  AppendChunk(png, "IDAT", packed);
  AppendChunk(png, "IEND", {});
  return png;
}

Result<std::string> QrSvg(std::string_view text, int module_px) {
  if (Status s = CheckPixels(module_px, "module_px"); !s) return s.error();
  Result<QrMatrix> m = EncodeQr(text);
  if (!m) return m.error();
  return QrSvgOf(*m, module_px);
}

Result<std::string> QrPng(std::string_view text, int scale) {
  if (Status s = CheckPixels(scale, "scale"); !s) return s.error();
  Result<QrMatrix> m = EncodeQr(text);
  if (!m) return m.error();
  return QrPngOf(*m, scale);
}

}  // namespace fupin::market
