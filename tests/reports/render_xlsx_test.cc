// The Excel renderer: the workbook is opened again with a ZIP reader of our
// own (testing/zip_reader.h) and its XML parts read: sheets, the frozen
// header, number formats and the numbers in the cells, Chinese names and
// pinyin, the native chart and what it plots, the sources sheet. Then
// `fupin report … --format xlsx` and GET /api/v1/reports/…?format=xlsx.
#include "reports/render_xlsx.h"

#include <gtest/gtest.h>

#include <regex>

#include "regions/tree.h"
#include "reports/registry_fixture.h"
#include "reports/render.h"
#include "schema/schema.h"
#include "testing/served_demo.h"
#include "testing/test_db.h"
#include "testing/zip_reader.h"

namespace fupin::reports {
namespace {

using fupin::testing::ReadZip;

regions::Region R(std::string code, std::string name, regions::Level level, std::string parent, std::string pinyin) {
  regions::Region r;
  r.code = std::move(code);
  r.name = std::move(name);
  r.level = level;
  r.parent_code = std::move(parent);
  r.kind = level == regions::Level::kPrefecture ? "autonomous_prefecture" : "county";
  r.name_pinyin = std::move(pinyin);
  return r;
}

regions::RegionTree Tree() {
  return regions::RegionTree::FromRegions(
      {R("622900000000", "临夏回族自治州", regions::Level::kPrefecture, "", "lin xia"),
       R("622901000000", "临夏市", regions::Level::kCounty, "622900000000", "lin xia shi"),
       R("622927000000", "积石山县", regions::Level::kCounty, "622900000000", "ji shi shan")});
}

Report ByRegion() {
  Report r;
  r.name = "poverty";
  r.title_zh = "贫困状况";
  r.title_en = "Poverty by region";
  r.region_code = "622900000000";
  r.region_name = "临夏回族自治州";
  r.year = 2018;
  r.columns = {{"region_code", "区划代码", "code", Kind::kText},
               {"region_name", "地区", "region", Kind::kText},
               {"people", "人口", "people", Kind::kInt},
               {"incidence", "贫困发生率%", "incidence %", Kind::kPercent},
               {"gain", "户均增收(元)", "mean gain (yuan)", Kind::kDecimal}};
  r.rows.push_back({{Cell::Text("622901000000"), Cell::Text("临夏市"), Cell::Int(1234567), Cell::Percent(897),
                     Cell::Decimal(664565, 2)},
                    false,
                    ""});
  r.rows.push_back({{Cell::Text("622927000000"), Cell::Text("积石山县"), Cell::Int(0), Cell::Empty("no data"),
                     Cell::Decimal(-25, 2)},
                    false,
                    ""});
  r.rows.push_back({{Cell::Text("622900000000"), Cell::Text("临夏回族自治州"), Cell::Int(1234567), Cell::Percent(5),
                     Cell::Decimal(0, 2)},
                    true,
                    ""});
  r.notes = {"poverty incidence = poor people / rural population x 100"};
  return r;
}

// The cells of a sheet's XML: reference → the <v> text (a number, or a shared string's index).
std::map<std::string, std::string> Cells(const std::string& sheet) {
  std::map<std::string, std::string> out;
  static const std::regex cell(R"re(<c r="([A-Z]+[0-9]+)"[^>]*?(?:/>|>(?:<f>[^<]*</f>)?<v>([^<]*)</v></c>))re");
  for (auto it = std::sregex_iterator(sheet.begin(), sheet.end(), cell); it != std::sregex_iterator(); ++it) {
    out[(*it)[1]] = (*it)[2];
  }
  return out;
}

// The shared strings, in order.
std::vector<std::string> Strings(const std::string& xml) {
  std::vector<std::string> out;
  static const std::regex si(R"re(<si><t[^>]*>([^<]*)</t></si>)re");
  for (auto it = std::sregex_iterator(xml.begin(), xml.end(), si); it != std::sregex_iterator(); ++it) {
    out.push_back((*it)[1]);
  }
  return out;
}

std::string Text(const std::map<std::string, std::string>& cells, const std::vector<std::string>& strings,
                 const std::string& ref) {
  auto it = cells.find(ref);
  if (it == cells.end() || it->second.empty()) return "";
  const size_t i = std::stoul(it->second);
  return i < strings.size() ? strings[i] : "?";
}

double Number(const std::map<std::string, std::string>& cells, const std::string& ref) {
  auto it = cells.find(ref);
  if (it == cells.end()) {
    ADD_FAILURE() << "no cell " << ref;
    return -1e300;
  }
  return std::stod(it->second);
}

TEST(RenderXlsxTest, SheetsFrozenHeaderFormatsNumbersPinyinChartAndSources) {
  const regions::RegionTree tree = Tree();
  XlsxOptions o;
  o.tree = &tree;
  o.computed_at = "2026-11-30T12:00:00Z";
  auto bytes = RenderXlsx(ByRegion(), o);
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  ASSERT_TRUE(bytes->starts_with("PK"));
  const auto files = ReadZip(*bytes);
  for (const char* part :
       {"[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml", "xl/charts/chart1.xml", "xl/drawings/drawing1.xml", "docProps/core.xml"}) {
    EXPECT_TRUE(files.contains(part)) << part;
  }
  const std::string& workbook = files.at("xl/workbook.xml");
  EXPECT_NE(workbook.find(R"(<sheet name="poverty" sheetId="1")"), std::string::npos) << workbook;
  EXPECT_NE(workbook.find(R"(<sheet name="sources" sheetId="2")"), std::string::npos) << workbook;

  const std::string& sheet = files.at("xl/worksheets/sheet1.xml");
  // Two header rows (Chinese, English), frozen.
  EXPECT_NE(sheet.find(R"(<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>)"),
            std::string::npos)
      << sheet;
  const auto cells = Cells(sheet);
  const auto strings = Strings(files.at("xl/sharedStrings.xml"));
  // Columns: code, region, pinyin (added beside the name), people, incidence, gain.
  EXPECT_EQ(Text(cells, strings, "A1"), "区划代码");
  EXPECT_EQ(Text(cells, strings, "B2"), "region");
  EXPECT_EQ(Text(cells, strings, "C1"), "拼音");
  EXPECT_EQ(Text(cells, strings, "B3"), "临夏市");
  EXPECT_EQ(Text(cells, strings, "C3"), "lin xia shi");
  EXPECT_EQ(Text(cells, strings, "C4"), "ji shi shan");
  EXPECT_EQ(Text(cells, strings, "C5"), "lin xia");
  EXPECT_DOUBLE_EQ(Number(cells, "D3"), 1234567);
  EXPECT_DOUBLE_EQ(Number(cells, "E3"), 0.0897);  // 8.97 %, as an Excel percentage
  EXPECT_EQ(Text(cells, strings, "E4"), "no data");
  EXPECT_DOUBLE_EQ(Number(cells, "F3"), 6645.65);
  EXPECT_DOUBLE_EQ(Number(cells, "F4"), -0.25);
  EXPECT_DOUBLE_EQ(Number(cells, "E5"), 0.0005);

  const std::string& styles = files.at("xl/styles.xml");
  for (const char* format : {R"(formatCode="#,##0")", R"(formatCode="0.00%")", R"(formatCode="#,##0.00")"}) {
    EXPECT_NE(styles.find(format), std::string::npos) << format;
  }
  EXPECT_NE(styles.find("<b/>"), std::string::npos);  // the total row and the headers are bold

  // The chart: columns of the incidence over the two counties (not the total).
  const std::string& chart = files.at("xl/charts/chart1.xml");
  EXPECT_NE(chart.find("<c:barChart>"), std::string::npos) << chart;
  EXPECT_NE(chart.find(R"(<c:barDir val="col"/>)"), std::string::npos);
  EXPECT_NE(chart.find("<c:f>poverty!$B$3:$B$4</c:f>"), std::string::npos) << chart;
  EXPECT_NE(chart.find("<c:f>poverty!$E$3:$E$4</c:f>"), std::string::npos) << chart;

  // The sources sheet.
  const auto source_cells = Cells(files.at("xl/worksheets/sheet2.xml"));
  std::vector<std::string> said;
  for (const auto& [ref, v] : source_cells) said.push_back(Text(source_cells, strings, ref));
  for (const char* expected :
       {"2026-11-30T12:00:00Z", "the records of the Fupin database", "临夏回族自治州 622900000000 (lin xia)",
        "贫困状况 / Poverty by region", "poverty incidence = poor people / rural population x 100", "region_pinyin"}) {
    EXPECT_NE(std::find(said.begin(), said.end(), expected), said.end()) << expected;
  }
}

TEST(RenderXlsxTest, OneHeaderLanguageALineOverYearsAndASheetPerSection) {
  Report trend;
  trend.name = "trend";
  trend.title_zh = "贫困发生率趋势";
  trend.title_en = "Poverty incidence, by year";
  trend.region_code = "622900000000";
  trend.region_name = "临夏回族自治州";
  trend.year = 2020;
  trend.columns = {{"year", "年份", "year", Kind::kYear}, {"value", "贫困发生率", "incidence", Kind::kDecimal}};
  for (int y = 2012; y <= 2014; ++y) trend.rows.push_back({{Cell::Year(y), Cell::Decimal(3000 - y, 2)}, false, ""});
  XlsxOptions o;
  o.lang = Lang::kEn;
  auto bytes = RenderXlsx(trend, o);
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  auto files = ReadZip(*bytes);
  const std::string& sheet = files.at("xl/worksheets/sheet1.xml");
  EXPECT_NE(sheet.find(R"(<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>)"),
            std::string::npos)
      << sheet;
  EXPECT_DOUBLE_EQ(Number(Cells(sheet), "A2"), 2012);
  EXPECT_DOUBLE_EQ(Number(Cells(sheet), "B4"), 9.86);
  const std::string& chart = files.at("xl/charts/chart1.xml");
  EXPECT_NE(chart.find("<c:lineChart>"), std::string::npos) << chart;
  EXPECT_NE(chart.find("<c:f>trend!$B$2:$B$4</c:f>"), std::string::npos) << chart;
  // English headers only (the sources sheet still lists both names of each column).
  const auto strings = Strings(files.at("xl/sharedStrings.xml"));
  EXPECT_EQ(Text(Cells(sheet), strings, "A1"), "year");
  EXPECT_EQ(Text(Cells(sheet), strings, "B1"), "incidence");

  Report sectioned = trend;
  sectioned.name = "ecommerce-scale";
  sectioned.sections = {{"records", "记录", "records"}, {"reference", "参考", "reference"}};
  sectioned.rows[0].section = "records";
  sectioned.rows[1].section = "reference";
  sectioned.rows[2].section = "reference";
  bytes = RenderXlsx(sectioned, XlsxOptions{});
  ASSERT_TRUE(bytes.ok());
  files = ReadZip(*bytes);
  const std::string& workbook = files.at("xl/workbook.xml");
  EXPECT_NE(workbook.find(R"(<sheet name="records")"), std::string::npos) << workbook;
  EXPECT_NE(workbook.find(R"(<sheet name="reference")"), std::string::npos) << workbook;
  EXPECT_NE(workbook.find(R"(<sheet name="sources")"), std::string::npos) << workbook;
  EXPECT_DOUBLE_EQ(Number(Cells(files.at("xl/worksheets/sheet1.xml")), "A3"), 2012);
  EXPECT_DOUBLE_EQ(Number(Cells(files.at("xl/worksheets/sheet2.xml")), "A4"), 2014);
  // One chart, on the first sheet with two rows or more.
  EXPECT_TRUE(files.contains("xl/charts/chart1.xml"));
  EXPECT_FALSE(files.contains("xl/charts/chart2.xml"));
  EXPECT_NE(files.at("xl/charts/chart1.xml").find("reference!$"), std::string::npos);
}

TEST(RenderXlsxTest, TheCommandWritesTheWorkbookOfTheReport) {
  fupin::testing::ScratchDb db(fupin::testing::Backend::kSqlite);
  ASSERT_TRUE(schema::Migrate(db.conn()).ok());
  fixture::BuildRegistry(db.conn());
  fupin::testing::TempDir dir;
  const std::string out = dir.File("poverty.xlsx");
  auto r =
      fupin::testing::RunFupin("report poverty --year 2016 --format xlsx --lang zh --out " + out + " --db " + db.url());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  const auto files = ReadZip(fupin::testing::ReadFile(out));
  const auto strings = Strings(files.at("xl/sharedStrings.xml"));
  const auto cells = Cells(files.at("xl/worksheets/sheet1.xml"));
  EXPECT_EQ(Text(cells, strings, "A1"), "级别");
  EXPECT_EQ(Text(cells, strings, "D1"), "拼音");  // after the region's name
  // Every row of the CSV is a row of the sheet, region by region, with its pinyin.
  auto csv = fupin::testing::RunFupin("report poverty --year 2016 --format csv --db " + db.url());
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const regions::RegionTree tree = regions::RegionTree::Load(db.conn());
  int row = 0;  // the sheet's row of the CSV's line: the header on both is row 1
  for (std::string_view rest = csv.out; !rest.empty();) {
    const size_t nl = rest.find('\n');
    const std::string line(rest.substr(0, nl));
    rest.remove_prefix(nl + 1);
    if (++row == 1) continue;
    const std::string code = line.substr(line.find(',') + 1, 12);
    EXPECT_EQ(Text(cells, strings, "B" + std::to_string(row)), code) << line;
    const regions::Region* at = tree.Find(code);
    ASSERT_NE(at, nullptr) << code;
    EXPECT_EQ(Text(cells, strings, "D" + std::to_string(row)), at->name_pinyin) << line;
  }
  EXPECT_GT(row, 3);
  EXPECT_TRUE(files.contains("xl/charts/chart1.xml"));
  auto bad = fupin::testing::RunFupin("report poverty --format xlsx --lang fr --out " + out + " --db " + db.url());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--lang"), std::string::npos) << bad.err;
}

class RenderXlsxApiTest : public ::testing::TestWithParam<fupin::testing::Backend> {};

TEST_P(RenderXlsxApiTest, AWorkbookToDownload) {
  fupin::testing::ServedDemo served(GetParam());
  ASSERT_NE(served.port(), 0);
  fupin::testing::Session official = served.SignIn("official");
  auto r = official.Get("/api/v1/reports/coverage?year=2018&format=xlsx&lang=en");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), kXlsxContentType);
  EXPECT_EQ(r.Header("content-disposition"), "attachment; filename=\"coverage-622900000000-2018.xlsx\"");
  const auto files = ReadZip(r.body);
  EXPECT_NE(files.at("xl/workbook.xml").find(R"(<sheet name="coverage")"), std::string::npos);
  EXPECT_TRUE(files.contains("xl/charts/chart1.xml"));
  EXPECT_EQ(official.Get("/api/v1/reports/coverage?lang=fr").status, 400);
}

INSTANTIATE_TEST_SUITE_P(Backends, RenderXlsxApiTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

}  // namespace
}  // namespace fupin::reports
