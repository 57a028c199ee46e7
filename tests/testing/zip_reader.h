#pragma once
// Reads the files of a ZIP archive held in memory (stored or deflated
// entries, no ZIP64), for tests that open what the program wrote: an xlsx
// workbook is a ZIP of XML parts. Written from the ZIP format's description
// (PKWARE APPNOTE): the end-of-central-directory record, the central directory,
// each entry's local header, then its data.
#include <map>
#include <string>
#include <string_view>

namespace fupin::testing {

// Entry name → its uncompressed bytes. Throws std::runtime_error naming what
// is malformed (no end record, a bad signature, an entry that does not inflate
// to its recorded size or CRC-32).
std::map<std::string, std::string> ReadZip(std::string_view archive);

}  // namespace fupin::testing
