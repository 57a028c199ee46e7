#pragma once
// QR codes for the public trace pages: the module matrix (libqrencode, error
// correction level M, about 15 % of a symbol may be damaged and still read),
// drawn as SVG or as a 1-bit PNG. Both drawings carry the 4-module quiet zone
// the standard (ISO/IEC 18004) asks for around the symbol.
//
// Thread-safe: every function works on its own data.
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace fupin::market {

// The modules of one QR symbol, without the quiet zone.
struct QrMatrix {
  int size = 0;               // modules per side: 21 (version 1) to 177 (version 40)
  std::vector<bool> modules;  // size × size, row by row; true = dark

  bool Dark(int x, int y) const { return modules[static_cast<size_t>(y) * size + x]; }
};

// Modules of light margin drawn on every side of the symbol.
inline constexpr int kQrQuietZone = 4;

// Encodes `text` (bytes, usually a URL) at level M in the smallest version
// that holds it. kInvalidArgument naming "text" when it is empty, holds a NUL
// byte, or is too long for any QR version (over about 2,300 bytes).
Result<QrMatrix> EncodeQr(std::string_view text);

// The SVG path data of the dark modules, in module units with the quiet zone
// included (the symbol's top-left module is at 4,4): one "M x y h n v1 h-n z"
// per horizontal run of dark modules. For embedding a code in a larger
// drawing (a viewBox of 0 0 S S, S = size + 8).
std::string QrPathData(const QrMatrix& matrix);

// A standalone SVG image of `matrix`: a white background and one <path> of
// the dark modules, shape-rendering crispEdges, module_px pixels per module
// as its width and height. 1 <= module_px <= 64.
std::string QrSvgOf(const QrMatrix& matrix, int module_px);

// A grayscale PNG of bit depth 1 (0 = black, 1 = white): `scale` pixels per
// module, quiet zone included, so (size + 8) × scale pixels a side. One IDAT
// chunk (zlib, every scanline with filter 0). 1 <= scale <= 64.
std::string QrPngOf(const QrMatrix& matrix, int scale);

// EncodeQr, then QrSvgOf / QrPngOf. Errors as EncodeQr, and kInvalidArgument
// naming "module_px" / "scale" out of 1..64.
Result<std::string> QrSvg(std::string_view text, int module_px = 4);
Result<std::string> QrPng(std::string_view text, int scale = 4);

}  // namespace fupin::market
