#pragma once
// Identity numbers (居民身份证号) are personal information. The registry stores
// each one sealed — encrypted and authenticated with XChaCha20-Poly1305
// (libsodium) under the registry key — beside a masked form for display. Only
// code that holds the key, the registry's own services acting for a registry
// role, can read a number; a copy of the database, a report or any other module
// sees "622926********1234" at most.
//
// Sealing is deterministic for a (member, number) pair — the nonce is a keyed
// hash of both — so the same registry sealed with the same key gives the same
// bytes on SQLite and PostgreSQL, and no nonce ever repeats for different text.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace fupin::registry {

class IdentityVault {
 public:
  static constexpr size_t kKeyBytes = 32;
  using Key = std::array<unsigned char, kKeyBytes>;

  explicit IdentityVault(const Key& key);

  // Reads the key from `path` (64 hex digits). With `create`, a missing file is
  // created with a new random key, readable by its owner only (0600).
  // kNotFound when the file is missing and `create` is false; kInvalidArgument
  // when it holds no valid key; kUnavailable when it cannot be read or written.
  static Result<IdentityVault> FromKeyFile(const std::string& path, bool create);

  // "v1:" + base64 of nonce and ciphertext.
  std::string Seal(int64_t member_id, std::string_view id_number) const;
  // The number, or kInvalidArgument when `sealed` was not sealed for this
  // member under this key (tampered, another key, another member's row).
  Result<std::string> Open(int64_t member_id, std::string_view sealed) const;

 private:
  Key key_;        // encryption key
  Key nonce_key_;  // derived: keys the nonce hash
};

// Where the registry key of a database lives: $FUPIN_REGISTRY_KEY_FILE when
// set; otherwise, for sqlite:PATH, the file PATH.key beside the database. A
// PostgreSQL database needs the variable (kInvalidArgument naming it).
Result<std::string> RegistryKeyPath(std::string_view db_url);

}  // namespace fupin::registry
