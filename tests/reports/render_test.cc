// Golden outputs of the three renderers on a small hand-made report.
#include <gtest/gtest.h>

#include "reports/render.h"
#include "reports/report.h"

namespace fupin::reports {
namespace {

Report Sample() {
  Report r;
  r.name = "sample";
  r.title_zh = "样例";
  r.title_en = "Sample";
  r.region_code = "622900000000";
  r.region_name = "临夏回族自治州";
  r.year = 2018;
  r.columns = {{"region_name", "地区", "region", Kind::kText},
               {"people", "人口", "people", Kind::kInt},
               {"incidence", "贫困发生率%", "incidence %", Kind::kPercent},
               {"exit_year", "退出年", "exit", Kind::kYear}};
  r.rows.push_back({{Cell::Text("临夏市"), Cell::Int(1234567), Cell::Percent(897), Cell::Year(2017)}, false, ""});
  r.rows.push_back({{Cell::Text("积石山县"), Cell::Int(0), Cell::Empty("no data"), Cell::Empty()}, false, ""});
  r.rows.push_back({{Cell::Text("Total, \"all\""), Cell::Int(1234567), Cell::Percent(5), Cell::Empty()}, true, ""});
  r.notes = {"a note"};
  r.summary = "1 match, 0 mismatch, 0 not answerable";
  return r;
}

TEST(RenderTest, TableAlignsChineseByDisplayWidthAndNumbersRight) {
  // 地区 is 4 columns wide, 积石山县 8, "Total, \"all\"" 12: the first column is 12 wide.
  const std::string expected =
      "样例 Sample: 临夏回族自治州 622900000000, 2018\n"
      "\n"
      "地区               人口  贫困发生率%  退出年\n"
      "region           people  incidence %    exit\n"
      "------------  ---------  -----------  ------\n"
      "临夏市        1,234,567         8.97    2017\n"
      "积石山县              0      no data\n"
      "------------  ---------  -----------  ------\n"
      "Total, \"all\"  1,234,567         0.05\n"
      "\n"
      "Notes:\n"
      "- a note\n"
      "\n"
      "1 match, 0 mismatch, 0 not answerable\n";
  EXPECT_EQ(RenderTable(Sample()), expected);
}

TEST(RenderTest, CsvHasKeysAsHeaderPlainNumbersAndEmptyForNoValue) {
  const std::string expected =
      "region_name,people,incidence,exit_year\n"
      "临夏市,1234567,8.97,2017\n"
      "积石山县,0,,\n"
      "\"Total, \"\"all\"\"\",1234567,0.05,\n";
  EXPECT_EQ(RenderCsv(Sample()), expected);
}

TEST(RenderTest, JsonHasReportRegionYearColumnsRowsNotesWithFixedDecimals) {
  const std::string expected =
      R"({"report":"sample","title_zh":"样例","title_en":"Sample",)"
      R"("region":{"code":"622900000000","name":"临夏回族自治州"},"year":2018,)"
      R"("columns":[{"key":"region_name","name_zh":"地区","name_en":"region","kind":"text"},)"
      R"({"key":"people","name_zh":"人口","name_en":"people","kind":"int"},)"
      R"({"key":"incidence","name_zh":"贫困发生率%","name_en":"incidence %","kind":"percent"},)"
      R"({"key":"exit_year","name_zh":"退出年","name_en":"exit","kind":"year"}],"sections":[],)"
      R"("rows":[{"region_name":"临夏市","people":1234567,"incidence":8.97,"exit_year":2017,"total":false},)"
      R"({"region_name":"积石山县","people":0,"incidence":null,"exit_year":null,"total":false},)"
      R"({"region_name":"Total, \"all\"","people":1234567,"incidence":0.05,"exit_year":null,"total":true}],)"
      R"("notes":["a note"],"summary":"1 match, 0 mismatch, 0 not answerable"})"
      "\n";
  EXPECT_EQ(RenderJson(Sample()), expected);
}

TEST(RenderTest, SectionsGetHeadingsInTablesAColumnInCsvAndAKeyInJson) {
  Report r = Sample();
  r.sections = {{"a", "甲", "first"}, {"b", "乙", "second"}};
  r.rows[0].section = "b";
  r.rows[1].section = "a";
  r.rows[2].section = "a";
  r.rows[2].total = false;
  std::string table = RenderTable(r);
  // Rows print under their section's heading, in section order.
  size_t first = table.find("== 甲 first ==\n");
  size_t second = table.find("== 乙 second ==\n");
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(second, std::string::npos);
  EXPECT_LT(first, table.find("积石山县"));
  EXPECT_LT(table.find("积石山县"), second);
  EXPECT_LT(second, table.find("临夏市"));
  std::string csv = RenderCsv(r);
  EXPECT_TRUE(csv.starts_with("section,region_name,people,incidence,exit_year\nb,临夏市,"));
  std::string json = RenderJson(r);
  EXPECT_NE(json.find(R"("rows":[{"section":"b","region_name":"临夏市")"), std::string::npos);
  EXPECT_NE(json.find(R"("sections":[{"key":"a","title_zh":"甲","title_en":"first"})"), std::string::npos);
}

TEST(RenderTest, ParseFormatNamesTheValidFormats) {
  EXPECT_EQ(*ParseFormat("csv"), Format::kCsv);
  EXPECT_EQ(*ParseFormat("json"), Format::kJson);
  EXPECT_EQ(*ParseFormat("table"), Format::kTable);
  EXPECT_EQ(*ParseFormat("xlsx"), Format::kXlsx);
  auto bad = ParseFormat("xls");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "format");
  EXPECT_NE(bad.error().message.find("table, csv, json, xlsx"), std::string::npos);
  EXPECT_EQ(*ParseLang("zh"), Lang::kZh);
  EXPECT_EQ(*ParseLang("en"), Lang::kEn);
  EXPECT_EQ(*ParseLang("both"), Lang::kBoth);
  auto fr = ParseLang("fr");
  ASSERT_FALSE(fr.ok());
  EXPECT_EQ(fr.error().field, "lang");
}

TEST(RenderTest, OneLanguageTableHasOneHeaderLine) {
  const std::string zh = RenderTable(Sample(), Lang::kZh);
  const std::string en = RenderTable(Sample(), Lang::kEn);
  const std::string both = RenderTable(Sample(), Lang::kBoth);
  EXPECT_NE(zh.find("贫困发生率%"), std::string::npos);
  EXPECT_EQ(zh.find("incidence %"), std::string::npos);
  EXPECT_NE(en.find("incidence %"), std::string::npos);
  EXPECT_EQ(en.find("贫困发生率%"), std::string::npos);
  EXPECT_NE(both.find("贫困发生率%"), std::string::npos);
  EXPECT_NE(both.find("incidence %"), std::string::npos);
  EXPECT_EQ(both, RenderTable(Sample()));
}

TEST(RenderTest, YearRangesCollapseRuns) {
  EXPECT_EQ(YearRanges({}), "none");
  EXPECT_EQ(YearRanges({2018}), "2018");
  EXPECT_EQ(YearRanges({2012, 2013, 2014, 2015, 2016, 2017, 2018, 2019, 2020}), "2012–2020");
  EXPECT_EQ(YearRanges({2012, 2014, 2015, 2016, 2020}), "2012, 2014–2016, 2020");
}

}  // namespace
}  // namespace fupin::reports

namespace fupin::reports {
namespace {

TEST(RenderTest, DecimalsKeepTheirOwnPlacesAndGroupInTables) {
  Report r;
  r.name = "t";
  r.title_zh = "表";
  r.title_en = "T";
  r.region_code = "622900000000";
  r.region_name = "临夏回族自治州";
  r.year = 2018;
  r.columns = {{"k", "键", "key", Kind::kText}, {"v", "值", "value", Kind::kDecimal}};
  for (const auto& [key, cell] : std::vector<std::pair<std::string, Cell>>{{"a", Cell::Decimal(664565, 2)},
                                                                            {"b", Cell::Decimal(-25, 2)},
                                                                            {"c", Cell::Decimal(1234567, 0)},
                                                                            {"d", Cell::Decimal(-123456, 3)},
                                                                            {"e", Cell::Empty("no data")}}) {
    Row row;
    row.cells = {Cell::Text(key), cell};
    r.rows.push_back(row);
  }
  EXPECT_EQ(RenderCsv(r), "k,v\na,6645.65\nb,-0.25\nc,1234567\nd,-123.456\ne,\n");
  const std::string json = RenderJson(r);
  EXPECT_NE(json.find(R"("rows":[{"k":"a","v":6645.65,"total":false},{"k":"b","v":-0.25,"total":false},)"
                      R"({"k":"c","v":1234567,"total":false},{"k":"d","v":-123.456,"total":false},)"
                      R"({"k":"e","v":null,"total":false}])"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"({"key":"v","name_zh":"值","name_en":"value","kind":"decimal"})"), std::string::npos);
  const std::string table = RenderTable(r);
  for (const char* line : {" 6,645.65\n", " -0.25\n", " 1,234,567\n", " -123.456\n", " no data\n"}) {
    EXPECT_NE(table.find(line), std::string::npos) << line << "\n" << table;
  }
}

}  // namespace
}  // namespace fupin::reports
