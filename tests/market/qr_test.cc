// QR codes: the matrix has the three finder patterns of the standard, the PNG
// is read back independently (chunk CRCs, inflated scanlines compared with the
// matrix pixel by pixel), the SVG is well-formed XML whose path covers exactly
// the dark modules, and, where zbarimg is installed, a real decoder reads the
// URL back from the PNG.
#include "market/qr.h"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <gtest/gtest.h>

#include "testing/test_db.h"

namespace fupin::market {
namespace {

const std::vector<std::string>& Texts() {
  static const std::vector<std::string> texts = {
      "https://fupin.example.org/trace/LX7M3Q9ZK2T0",
      "http://localhost:8080/trace/LX0000000000",
      "x",
      "临夏州东乡县达板镇上科妥村 · 高原洋芋",
      std::string(900, 'a') + "/trace/LXZZZZZZZZZZ",
  };
  return texts;
}

// The 7 × 7 finder pattern with its top-left module at (x0, y0): a dark ring,
// a light ring, a dark 3 × 3 core.
bool FinderAt(const QrMatrix& m, int x0, int y0) {
  for (int dy = 0; dy < 7; ++dy) {
    for (int dx = 0; dx < 7; ++dx) {
      const int ring = std::min(std::min(dx, dy), std::min(6 - dx, 6 - dy));
      const bool want_dark = ring != 1;
      if (m.Dark(x0 + dx, y0 + dy) != want_dark) return false;
    }
  }
  return true;
}

TEST(QrTest, MatrixHasFinderPatternsAtThreeCorners) {
  for (const std::string& text : Texts()) {
    SCOPED_TRACE(text.substr(0, 60));
    Result<QrMatrix> m = EncodeQr(text);
    ASSERT_TRUE(m.ok()) << m.error().message;
    const int n = m->size;
    // Version v has 17 + 4v modules a side, v from 1 to 40.
    EXPECT_GE(n, 21);
    EXPECT_LE(n, 177);
    EXPECT_EQ((n - 17) % 4, 0);
    ASSERT_EQ(m->modules.size(), static_cast<size_t>(n) * n);
    EXPECT_TRUE(FinderAt(*m, 0, 0));
    EXPECT_TRUE(FinderAt(*m, n - 7, 0));
    EXPECT_TRUE(FinderAt(*m, 0, n - 7));
    EXPECT_FALSE(FinderAt(*m, n - 7, n - 7));  // the fourth corner holds data
    // The light separators around the finders.
    for (int i = 0; i < 8; ++i) {
      EXPECT_FALSE(m->Dark(7, i));
      EXPECT_FALSE(m->Dark(i, 7));
      EXPECT_FALSE(m->Dark(n - 8, i));
      EXPECT_FALSE(m->Dark(i, n - 8));
    }
    // The timing patterns alternate between the finders, dark on even positions.
    for (int i = 8; i < n - 8; ++i) {
      EXPECT_EQ(m->Dark(i, 6), i % 2 == 0) << "row 6, column " << i;
      EXPECT_EQ(m->Dark(6, i), i % 2 == 0) << "column 6, row " << i;
    }
  }
}

TEST(QrTest, LongerTextsNeedLargerSymbolsAndEncodingIsDeterministic) {
  Result<QrMatrix> short_code = EncodeQr("x");
  Result<QrMatrix> long_code = EncodeQr(std::string(900, 'a'));
  ASSERT_TRUE(short_code.ok() && long_code.ok());
  EXPECT_EQ(short_code->size, 21);
  EXPECT_GT(long_code->size, 60);
  Result<QrMatrix> again = EncodeQr("x");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->modules, short_code->modules);
  Result<QrMatrix> other = EncodeQr("y");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->modules, short_code->modules);
}

TEST(QrTest, BadInputNamesTheField) {
  struct Case {
    Result<std::string> result;
    std::string field;
  };
  const std::vector<Case> cases = {
      {QrSvg(""), "text"},
      {QrPng(std::string("a\0b", 3)), "text"},
      {QrSvg(std::string(3000, 'a')), "text"},  // beyond version 40 at level M
      {QrSvg("x", 0), "module_px"},
      {QrSvg("x", 65), "module_px"},
      {QrPng("x", 0), "scale"},
      {QrPng("x", 65), "scale"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(i);
    ASSERT_FALSE(cases[i].result.ok());
    EXPECT_EQ(cases[i].result.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(cases[i].result.error().field, cases[i].field);
  }
}

// ---- Reading a PNG back ------------------------------------------------------

uint32_t ReadU32(const std::string& s, size_t at) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

struct Png {
  uint32_t width = 0, height = 0;
  int bit_depth = 0, colour_type = 0, interlace = 0;
  std::vector<std::string> chunk_types;
  std::string idat;
};

// Walks the chunks, checking each CRC; a test failure for anything malformed.
Png ParsePng(const std::string& bytes) {
  Png png;
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  size_t at = 8;
  while (at + 12 <= bytes.size()) {
    const uint32_t length = ReadU32(bytes, at);
    if (at + 12 + length > bytes.size()) {
      ADD_FAILURE() << "chunk at " << at << " runs past the end";
      break;
    }
    const std::string type = bytes.substr(at + 4, 4);
    const std::string data = bytes.substr(at + 8, length);
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + at + 4), length + 4);
    EXPECT_EQ(ReadU32(bytes, at + 8 + length), static_cast<uint32_t>(crc)) << "CRC of " << type;
    png.chunk_types.push_back(type);
    if (type == "IHDR") {
      EXPECT_EQ(length, 13u);
      png.width = ReadU32(data, 0);
      png.height = ReadU32(data, 4);
      png.bit_depth = data[8];
      png.colour_type = data[9];
      EXPECT_EQ(data[10], 0);  // deflate
      EXPECT_EQ(data[11], 0);  // filter method 0
      png.interlace = data[12];
    } else if (type == "IDAT") {
      png.idat += data;
    }
    at += 12 + length;
  }
  EXPECT_EQ(at, bytes.size()) << "bytes after the last chunk";
  return png;
}

TEST(QrTest, PngReadsBackAsTheMatrix) {
  for (int scale : {1, 3, 4}) {
    for (const std::string& text : Texts()) {
      SCOPED_TRACE(text.substr(0, 60) + " at scale " + std::to_string(scale));
      Result<QrMatrix> m = EncodeQr(text);
      Result<std::string> bytes = QrPng(text, scale);
      ASSERT_TRUE(m.ok() && bytes.ok());
      Png png = ParsePng(*bytes);
      ASSERT_EQ(png.chunk_types.front(), "IHDR");
      ASSERT_EQ(png.chunk_types.back(), "IEND");
      const uint32_t side = static_cast<uint32_t>((m->size + 2 * kQrQuietZone) * scale);
      EXPECT_EQ(png.width, side);
      EXPECT_EQ(png.height, side);
      EXPECT_EQ(png.bit_depth, 1);
      EXPECT_EQ(png.colour_type, 0);  // grayscale
      EXPECT_EQ(png.interlace, 0);

      const size_t row_bytes = (side + 7) / 8;
      std::string raw((row_bytes + 1) * side, '\0');
      uLongf raw_size = raw.size();
      ASSERT_EQ(uncompress(reinterpret_cast<Bytef*>(raw.data()), &raw_size,
                           reinterpret_cast<const Bytef*>(png.idat.data()), png.idat.size()),
                Z_OK);
      ASSERT_EQ(raw_size, raw.size());
      int mismatches = 0;
      for (uint32_t y = 0; y < side; ++y) {
        const size_t row = y * (row_bytes + 1);
        ASSERT_EQ(raw[row], 0) << "filter of row " << y;
        for (uint32_t x = 0; x < side; ++x) {
          const bool white = (static_cast<unsigned char>(raw[row + 1 + x / 8]) >> (7 - x % 8)) & 1;
          const int mx = static_cast<int>(x) / scale - kQrQuietZone;
          const int my = static_cast<int>(y) / scale - kQrQuietZone;
          const bool inside = mx >= 0 && my >= 0 && mx < m->size && my < m->size;
          const bool dark = inside && m->Dark(mx, my);
          if (white == dark) ++mismatches;
        }
      }
      EXPECT_EQ(mismatches, 0);
    }
  }
}

// ---- SVG ---------------------------------------------------------------------

TEST(QrTest, SvgIsWellFormedAndDrawsExactlyTheDarkModules) {
  for (const std::string& text : Texts()) {
    SCOPED_TRACE(text.substr(0, 60));
    Result<QrMatrix> m = EncodeQr(text);
    Result<std::string> svg = QrSvg(text, 5);
    ASSERT_TRUE(m.ok() && svg.ok());

    boost::property_tree::ptree tree;
    std::istringstream in(*svg);
    ASSERT_NO_THROW(boost::property_tree::read_xml(in, tree)) << *svg;
    const int side = m->size + 2 * kQrQuietZone;
    EXPECT_EQ(tree.get<std::string>("svg.<xmlattr>.viewBox"), "0 0 " + std::to_string(side) + " " +
                                                                  std::to_string(side));
    EXPECT_EQ(tree.get<int>("svg.<xmlattr>.width"), side * 5);
    EXPECT_EQ(tree.get<std::string>("svg.<xmlattr>.shape-rendering"), "crispEdges");
    EXPECT_EQ(tree.get_child("svg").count("path"), 1u);

    // Redraw the path's runs onto an empty grid: it must give the matrix back.
    const std::string d = tree.get<std::string>("svg.path.<xmlattr>.d");
    std::vector<bool> drawn(static_cast<size_t>(m->size) * m->size, false);
    static const std::regex kRun("M(\\d+) (\\d+)h(\\d+)v1h-(\\d+)z");
    size_t covered = 0, dark = 0;
    for (std::sregex_iterator it(d.begin(), d.end(), kRun), end; it != end; ++it) {
      const int x = std::stoi((*it)[1]) - kQrQuietZone;
      const int y = std::stoi((*it)[2]) - kQrQuietZone;
      const int run = std::stoi((*it)[3]);
      EXPECT_EQ(run, std::stoi((*it)[4]));
      covered += static_cast<size_t>(it->length());
      for (int i = 0; i < run; ++i) {
        ASSERT_TRUE(x + i >= 0 && x + i < m->size && y >= 0 && y < m->size) << "a run outside the symbol";
        EXPECT_FALSE(drawn[static_cast<size_t>(y) * m->size + x + i]) << "drawn twice";
        drawn[static_cast<size_t>(y) * m->size + x + i] = true;
      }
    }
    EXPECT_EQ(covered, d.size()) << "the path holds something other than runs";
    for (bool b : m->modules) dark += b;
    EXPECT_EQ(static_cast<size_t>(std::count(drawn.begin(), drawn.end(), true)), dark);
    EXPECT_EQ(drawn, m->modules);
  }
}

// ---- A real decoder ------------------------------------------------------------

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

TEST(QrTest, ZbarimgDecodesThePngToTheUrl) {
  if (!OnPath("zbarimg")) GTEST_SKIP() << "zbarimg is not installed (Debian package zbar-tools; scripts/setup)";
  fupin::testing::TempDir dir;
  for (const std::string& url : {std::string("https://fupin.example.org/trace/LX7M3Q9ZK2T0"),
                                 std::string("http://localhost:8080/trace/LX0000000000")}) {
    Result<std::string> png = QrPng(url, 4);
    ASSERT_TRUE(png.ok());
    const std::string file = dir.File("code.png");
    fupin::testing::WriteFile(file, *png);
    // stderr apart: zbarimg may complain there about a missing D-Bus.
    const std::string err = dir.File("zbarimg.err");
    FILE* p = popen(("zbarimg --quiet --raw '" + file + "' 2>'" + err + "'").c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[512];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    const int status = pclose(p);
    EXPECT_EQ(status, 0) << out << fupin::testing::ReadFile(err);
    EXPECT_EQ(out, url + "\n") << fupin::testing::ReadFile(err);
  }
}

}  // namespace
}  // namespace fupin::market
