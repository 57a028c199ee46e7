// Registry files moved by the command line leave their mark in the audit log:
// an export opens every identity number, an import writes the registry.
#include <gtest/gtest.h>

#include "testing/test_db.h"

namespace fupin::testing {
namespace {

class RegistryAuditCliTest : public ::testing::TestWithParam<Backend> {};

TEST_P(RegistryAuditCliTest, ExportAndImportAreAudited) {
  ScratchDb source(GetParam());
  ASSERT_EQ(RunFupin("demo --quiet --scale 0.01 --db '" + source.url() + "'").exit_code, 0);
  TempDir dir;
  CommandResult exported = RunFupin("export registry --db '" + source.url() + "' --out " + dir.File("reg"));
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  auto reads = source.conn().Prepare(
      "SELECT target, detail, user_id FROM audit_log WHERE action = 'identity.read' ORDER BY audit_id");
  ASSERT_TRUE(reads->Step());
  EXPECT_EQ(reads->Text(0), "registry export:" + dir.File("reg"));
  EXPECT_NE(reads->Text(1).find("command line (OS user "), std::string::npos) << reads->Text(1);
  EXPECT_TRUE(reads->IsNull(2));
  EXPECT_FALSE(reads->Step());

  ScratchDb target(GetParam());
  CommandResult imported = RunFupin("import registry --db '" + target.url() + "' " + dir.File("reg"));
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  auto writes = target.conn().Prepare(
      "SELECT target, region_code, detail FROM audit_log WHERE action = 'registry.import'");
  ASSERT_TRUE(writes->Step());
  EXPECT_EQ(writes->Text(0), "folder:" + dir.File("reg"));
  EXPECT_EQ(writes->Text(1), "622900000000");
  EXPECT_NE(writes->Text(2).find("households"), std::string::npos);
  EXPECT_FALSE(writes->Step());

  // A rejected import writes nothing, its audit entry included.
  ScratchDb third(GetParam());
  WriteFile(dir.File("reg") + "/households.csv", "not,the,right,header\n");
  CommandResult rejected = RunFupin("import registry --db '" + third.url() + "' " + dir.File("reg"));
  EXPECT_EQ(rejected.exit_code, 1);
  EXPECT_EQ(db::QueryInt(third.conn(), "SELECT COUNT(*) FROM audit_log WHERE action = 'registry.import'"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, RegistryAuditCliTest, ::testing::ValuesIn(AllBackends()), BackendName);

}  // namespace
}  // namespace fupin::testing
