#pragma once
// Password hashing and the random secrets of accounts, on libsodium.
//
// Passwords are stored as Argon2id strings (crypto_pwhash_str): the string
// holds its own salt and cost, so hashes made at any cost verify alike.
#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace fupin::accounts {

enum class PasswordCost {
  // libsodium's interactive limits: ~230 ms and 64 MiB per hash on a
  // 2-core server (66-230 ms measured). Every stored password uses this.
  kInteractive,
  // The smallest limits Argon2id accepts: for tests that sign in many times,
  // never for a stored password.
  kMinimum,
};

// The Argon2id string of `password`. kResourceExhausted when the memory the
// hash needs cannot be had.
Result<std::string> HashPassword(std::string_view password, PasswordCost cost = PasswordCost::kInteractive);

// True when `password` matches `hash` (a HashPassword string). Takes as long
// as hashing at the cost recorded in `hash`.
bool VerifyPassword(std::string_view hash, std::string_view password);

// `length` characters of A-Z, a-z and 0-9 from the system's random source
// (~5.95 bits each: 16 give ~95 bits).
std::string GeneratePassword(size_t length);

// `bytes` random bytes as unpadded base64url text (cookies, CSRF tokens).
std::string RandomToken(size_t bytes);

// The hex BLAKE2b-256 (crypto_generichash) of a session token: what the
// database stores, so a copy of it signs no one in.
std::string TokenHash(std::string_view token);

}  // namespace fupin::accounts
