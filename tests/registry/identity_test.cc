// Sealed identity numbers: only the registry key opens them.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sys/stat.h>

#include "registry/identity.h"
#include "testing/test_db.h"

namespace fupin::registry {
namespace {

IdentityVault::Key KeyOf(unsigned char fill) {
  IdentityVault::Key key;
  key.fill(fill);
  return key;
}

TEST(IdentityVaultTest, SealsDeterministicallyAndOpensOnlyForTheSameMemberAndKey) {
  IdentityVault vault(KeyOf(1)), other(KeyOf(2));
  const std::string id = "62292619880704213X";
  std::string sealed = vault.Seal(42, id);
  EXPECT_TRUE(sealed.starts_with("v1:"));
  EXPECT_EQ(sealed.find("19880704"), std::string::npos) << "the number must not show through";
  EXPECT_EQ(sealed, vault.Seal(42, id)) << "same member, number and key give the same bytes";
  EXPECT_NE(sealed, vault.Seal(43, id)) << "another member's row seals differently";
  EXPECT_NE(sealed, vault.Seal(42, "622926198807042146"));
  auto opened = vault.Open(42, sealed);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, id);
  EXPECT_FALSE(other.Open(42, sealed).ok()) << "another key";
  EXPECT_FALSE(vault.Open(43, sealed).ok()) << "moved to another member's row";
  std::string tampered = sealed;
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(vault.Open(42, tampered).ok());
  EXPECT_FALSE(vault.Open(42, id).ok()) << "plain text is not a sealed value";
  EXPECT_FALSE(vault.Open(42, "v1:!!!").ok());
}

TEST(IdentityVaultTest, KeyFileIsCreatedPrivateAndReadBack) {
  fupin::testing::TempDir dir;
  std::string path = dir.File("registry.key");
  auto missing = IdentityVault::FromKeyFile(path, false);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  auto created = IdentityVault::FromKeyFile(path, true);
  ASSERT_TRUE(created.ok()) << created.error().message;
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = IdentityVault::FromKeyFile(path, false);
  ASSERT_TRUE(again.ok());
  auto opened = again->Open(7, created->Seal(7, "622926200001011234"));
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "622926200001011234");
  fupin::testing::WriteFile(path, "not a key\n");
  auto bad = IdentityVault::FromKeyFile(path, false);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

TEST(RegistryKeyPathTest, BesideTheSqliteFileOrFromTheEnvironment) {
  const char* saved = std::getenv("FUPIN_REGISTRY_KEY_FILE");
  std::string keep = saved ? saved : "";
  ::unsetenv("FUPIN_REGISTRY_KEY_FILE");
  EXPECT_EQ(*RegistryKeyPath("sqlite:data/fupin.db"), "data/fupin.db.key");
  EXPECT_FALSE(RegistryKeyPath("postgresql://x@y/z").ok());
  EXPECT_FALSE(RegistryKeyPath("sqlite::memory:").ok());
  ::setenv("FUPIN_REGISTRY_KEY_FILE", "/secrets/k", 1);
  EXPECT_EQ(*RegistryKeyPath("postgresql://x@y/z"), "/secrets/k");
  if (saved) {
    ::setenv("FUPIN_REGISTRY_KEY_FILE", keep.c_str(), 1);
  } else {
    ::unsetenv("FUPIN_REGISTRY_KEY_FILE");
  }
}

}  // namespace
}  // namespace fupin::registry
