#include "registry/identity.h"

#include <sodium.h>
#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace fupin::registry {
namespace {

constexpr std::string_view kPrefix = "v1:";

void EnsureSodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) std::abort();  // libsodium cannot run without a random source: nothing can be sealed
}

void Nonce(const IdentityVault::Key& nonce_key, int64_t member_id, std::string_view id_number,
           unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES]) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, nonce_key.data(), nonce_key.size(), crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned char id_bytes[8];
  for (int i = 0; i < 8; ++i) id_bytes[i] = static_cast<unsigned char>(static_cast<uint64_t>(member_id) >> (8 * i));
  crypto_generichash_update(&state, id_bytes, sizeof id_bytes);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(id_number.data()), id_number.size());
  crypto_generichash_final(&state, nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
}

std::string AdditionalData(int64_t member_id) { return fmt::format("fupin member {}", member_id); }

}  // namespace

IdentityVault::IdentityVault(const Key& key) : key_(key) {
  EnsureSodium();
  static const char kContext[] = "nonce key";
  crypto_generichash(nonce_key_.data(), nonce_key_.size(), reinterpret_cast<const unsigned char*>(kContext),
                     sizeof kContext - 1, key_.data(), key_.size());
}

Result<IdentityVault> IdentityVault::FromKeyFile(const std::string& path, bool create) {
  EnsureSodium();
  std::ifstream in(path);
  if (!in) {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0) return Error::Unavailable(fmt::format("cannot read the registry key {}", path));
    if (!create) {
      return Error::NotFound(fmt::format(
          "the registry key {} is missing: identity numbers cannot be read without the key that sealed them", path));
    }
    Key key;
    randombytes_buf(key.data(), key.size());
    char hex[kKeyBytes * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, key.data(), key.size());
    mode_t old = ::umask(077);
    std::ofstream out(path, std::ios::trunc);
    out << hex << "\n";
    out.close();
    ::umask(old);
    if (!out) return Error::Unavailable(fmt::format("cannot write the registry key {}", path));
    return IdentityVault(key);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string hex = ss.str();
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r' || hex.back() == ' ')) hex.pop_back();
  Key key;
  size_t len = 0;
  if (hex.size() != kKeyBytes * 2 ||
      sodium_hex2bin(key.data(), key.size(), hex.data(), hex.size(), nullptr, &len, nullptr) != 0 ||
      len != kKeyBytes) {
    return Error::Invalid(fmt::format("the registry key {} must hold 64 hexadecimal digits", path));
  }
  return IdentityVault(key);
}

std::string IdentityVault::Seal(int64_t member_id, std::string_view id_number) const {
  unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
  Nonce(nonce_key_, member_id, id_number, nonce);
  std::string ad = AdditionalData(member_id);
  std::string box(sizeof nonce + id_number.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  auto* out = reinterpret_cast<unsigned char*>(box.data());
  std::copy(nonce, nonce + sizeof nonce, out);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out + sizeof nonce, &written,
                                             reinterpret_cast<const unsigned char*>(id_number.data()),
                                             id_number.size(), reinterpret_cast<const unsigned char*>(ad.data()),
                                             ad.size(), nullptr, nonce, key_.data());
  std::string b64(sodium_base64_encoded_len(box.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), out, box.size(), sodium_base64_VARIANT_ORIGINAL);
  b64.resize(std::strlen(b64.c_str()));
  return std::string(kPrefix) + b64;
}

Result<std::string> IdentityVault::Open(int64_t member_id, std::string_view sealed) const {
  auto bad = [&] {
    return Error::Invalid(fmt::format("the identity number of member {} cannot be opened with this registry key",
                                      member_id));
  };
  if (!sealed.starts_with(kPrefix)) return bad();
  sealed.remove_prefix(kPrefix.size());
  std::string box(sealed.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(box.data()), box.size(), sealed.data(), sealed.size(),
                        nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return bad();
  }
  constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  if (len < kNonce + crypto_aead_xchacha20poly1305_ietf_ABYTES) return bad();
  const auto* in = reinterpret_cast<const unsigned char*>(box.data());
  std::string plain(len - kNonce - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long plain_len = 0;
  std::string ad = AdditionalData(member_id);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(plain.data()), &plain_len, nullptr,
                                                 in + kNonce, len - kNonce,
                                                 reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), in,
                                                 key_.data()) != 0) {
    return bad();
  }
  plain.resize(plain_len);
  return plain;
}

Result<std::string> RegistryKeyPath(std::string_view db_url) {
  if (const char* env = std::getenv("FUPIN_REGISTRY_KEY_FILE"); env && *env) return std::string(env);
  if (db_url.starts_with("sqlite:")) {
    std::string path(db_url.substr(7));
    if (path == ":memory:") {
      return Error::Invalid("an in-memory database has no place for its registry key: set FUPIN_REGISTRY_KEY_FILE",
                            "--db");
    }
    return path + ".key";
  }
  return Error::Invalid(
      "set FUPIN_REGISTRY_KEY_FILE to the file holding the registry key of this PostgreSQL database (it is created "
      "on first use)",
      "--db");
}

}  // namespace fupin::registry
