#include "cli/common.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <pwd.h>
#include <unistd.h>

#include <fmt/format.h>

#include "schema/schema.h"

namespace fupin::cli {

Result<std::unique_ptr<db::Connection>> OpenDatabase(const std::string& url, SchemaMode mode) {
  if (url.starts_with("sqlite:") && url != "sqlite::memory:" && mode == SchemaMode::kRequire) {
    std::string path = url.substr(7);
    if (!std::filesystem::exists(path)) {
      return Error::NotFound(fmt::format("no database at {}; create one with: fupin demo --db {} (or fupin migrate)",
                                         path, url));
    }
  }
  auto conn = db::Open(url);
  if (!conn) return conn.error();
  if (mode == SchemaMode::kMigrate) {
    auto version = schema::Migrate(**conn);
    if (!version) return version.error();
  } else {
    Status current = schema::RequireCurrent(**conn);
    if (!current) return current.error();
  }
  return conn;
}

Result<registry::IdentityVault> OpenRegistryVault(const std::string& url, bool create) {
  auto path = registry::RegistryKeyPath(url);
  if (!path) return path.error();
  return registry::IdentityVault::FromKeyFile(*path, create);
}

std::string CommandLineActor() {
  const passwd* pw = getpwuid(geteuid());
  std::string name = pw != nullptr && pw->pw_name != nullptr ? pw->pw_name : std::to_string(geteuid());
  return "command line (OS user " + name + ")";
}

int Fail(const Error& error) {
  // One line, whatever the message holds (libpq's errors span two).
  std::string line;
  for (char c : error.message) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (c == ' ' && (line.empty() || line.back() == ' ')) continue;
    line.push_back(c);
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  std::fprintf(stderr, "fupin: %s\n", line.c_str());
  bool usage = error.code == ErrorCode::kInvalidArgument && error.field.starts_with("--");
  return usage ? 2 : 1;
}

Status WriteFileAtomic(const std::string& path, const std::string& content) {
  if (path.empty() || path == "-") {
    std::fwrite(content.data(), 1, content.size(), stdout);
    std::fflush(stdout);
    return {};
  }
  std::filesystem::path target(path);
  std::error_code kind_error;
  std::filesystem::file_status kind = std::filesystem::status(target, kind_error);
  if (std::filesystem::exists(kind) && !std::filesystem::is_regular_file(kind)) {
    // A device or a pipe (/dev/null, /dev/stdout, a FIFO): written in place,
    // never replaced by a renamed file.
    std::ofstream out(target, std::ios::binary);
    if (!out) return Error::Unavailable(fmt::format("cannot write {}", path));
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) return Error::Unavailable(fmt::format("writing {} failed", path));
    return {};
  }
  std::filesystem::path tmp = target;
  tmp += fmt::format(".tmp{}", ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Error::Unavailable(fmt::format("cannot write {}: check the folder exists and is writable", path));
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      return Error::Unavailable(fmt::format("writing {} failed (disk full?)", path));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, target, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return Error::Unavailable(fmt::format("cannot write {}: {}", path, ec.message()));
  }
  return {};
}

Result<std::string> ReadInputFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return Error::Invalid(fmt::format("{}: is a folder, not a file", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::NotFound(fmt::format("{}: cannot be read (missing, or no permission)", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error::Unavailable(fmt::format("{}: reading failed", path));
  return text.str();
}

Error InFile(const std::string& path, const Error& error) {
  const std::string& m = error.message;
  if (error.field.starts_with("line ") && m.starts_with(error.field + ": ")) {
    return Error::Invalid(fmt::format("{}:{}: {}", path, error.field.substr(5), m.substr(error.field.size() + 2)));
  }
  return Error::Invalid(fmt::format("{}: {}", path, m));
}

}  // namespace fupin::cli
