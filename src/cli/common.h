#pragma once
// What every subcommand shares: opening the database, reporting an error as
// one line with the right exit code.
#include <memory>
#include <string>

#include "base/result.h"
#include "db/database.h"
#include "registry/identity.h"

namespace fupin::cli {

enum class SchemaMode {
  kMigrate,  // bring the schema to the newest version (serve, demo, import, migrate)
  kRequire,  // refuse a database not at the newest version (export, report)
};

// Opens `url` and checks or migrates its schema.
Result<std::unique_ptr<db::Connection>> OpenDatabase(const std::string& url, SchemaMode mode);

// The registry key of the database at `url` (registry/identity.h): beside a
// SQLite file, or FUPIN_REGISTRY_KEY_FILE. With `create`, a missing key is made.
Result<registry::IdentityVault> OpenRegistryVault(const std::string& url, bool create);

// Who runs this command, for audit entries written from the command line:
// "command line (OS user NAME)".
std::string CommandLineActor();

// Prints "fupin: <message>" on stderr and returns the exit code for `error`:
// 2 when it is a usage error (a flag's value), 1 otherwise.
int Fail(const Error& error);

// Writes `content` to `path` atomically (a temporary file renamed into place),
// so a failure never leaves a half-written file. "-" or "" writes to stdout.
Status WriteFileAtomic(const std::string& path, const std::string& content);

// The whole of a file the user named; errors start with the path.
Result<std::string> ReadInputFile(const std::string& path);

// A reader's error about the file `path`, as one usage-free error: "line N:
// reason" (field "line N") becomes "PATH:N: reason", the compilers' way; any
// other message becomes "PATH: message".
Error InFile(const std::string& path, const Error& error);

}  // namespace fupin::cli
