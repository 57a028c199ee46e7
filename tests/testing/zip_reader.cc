#include "testing/zip_reader.h"

#include <zlib.h>

#include <cstdint>
#include <stdexcept>

namespace fupin::testing {
namespace {

uint32_t Le(std::string_view s, size_t at, int bytes) {
  if (at + static_cast<size_t>(bytes) > s.size()) throw std::runtime_error("zip: a record runs past the end");
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + static_cast<size_t>(i)]);
  return v;
}

std::string Inflate(std::string_view data, size_t size) {
  std::string out(size, '\0');
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) throw std::runtime_error("zip: inflateInit2 failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&z, Z_FINISH);
  const uLong produced = z.total_out;
  inflateEnd(&z);
  if (rc != Z_STREAM_END || produced != size) throw std::runtime_error("zip: an entry does not inflate to its size");
  return out;
}

}  // namespace

std::map<std::string, std::string> ReadZip(std::string_view zip) {
  // The end record: signature 0x06054b50, within the last 64 KiB + 22 bytes.
  if (zip.size() < 22) throw std::runtime_error("zip: shorter than an end record");
  size_t end = std::string_view::npos;
  const size_t lowest = zip.size() > 65535 + 22 ? zip.size() - 65535 - 22 : 0;
  for (size_t i = zip.size() - 22 + 1; i-- > lowest;) {
    if (Le(zip, i, 4) == 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end == std::string_view::npos) throw std::runtime_error("zip: no end of central directory record");
  const uint32_t entries = Le(zip, end + 10, 2);
  size_t at = Le(zip, end + 16, 4);
  std::map<std::string, std::string> files;
  for (uint32_t e = 0; e < entries; ++e) {
    if (Le(zip, at, 4) != 0x02014b50) throw std::runtime_error("zip: bad central directory signature");
    const uint32_t method = Le(zip, at + 10, 2);
    const uint32_t crc = Le(zip, at + 16, 4);
    const uint32_t packed = Le(zip, at + 20, 4);
    const uint32_t size = Le(zip, at + 24, 4);
    const uint32_t name_len = Le(zip, at + 28, 2);
    const uint32_t extra_len = Le(zip, at + 30, 2);
    const uint32_t comment_len = Le(zip, at + 32, 2);
    const uint32_t local = Le(zip, at + 42, 4);
    if (at + 46 + name_len > zip.size()) throw std::runtime_error("zip: a name runs past the end");
    std::string name(zip.substr(at + 46, name_len));
    if (Le(zip, local, 4) != 0x04034b50) throw std::runtime_error("zip: bad local header for " + name);
    const size_t data = local + 30 + Le(zip, local + 26, 2) + Le(zip, local + 28, 2);
    if (data + packed > zip.size()) throw std::runtime_error("zip: the data of " + name + " runs past the end");
    std::string_view raw = zip.substr(data, packed);
    std::string bytes;
    if (method == 0) {
      bytes = std::string(raw);
    } else if (method == 8) {
      bytes = Inflate(raw, size);
    } else {
      throw std::runtime_error("zip: unknown compression method for " + name);
    }
    if (crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())) != crc) {
      throw std::runtime_error("zip: CRC-32 mismatch for " + name);
    }
    files[name] = std::move(bytes);
    at += 46 + name_len + extra_len + comment_len;
  }
  return files;
}

}  // namespace fupin::testing
