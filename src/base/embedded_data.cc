#include "base/embedded_data.h"

#define FUPIN_DECLARE_EMBED(sym) \
  extern "C" const char sym##_begin[]; \
  extern "C" const char sym##_end[];

FUPIN_DECLARE_EMBED(fupin_divisions_csv)
FUPIN_DECLARE_EMBED(fupin_coordinates_csv)
FUPIN_DECLARE_EMBED(fupin_poverty_lines_csv)
FUPIN_DECLARE_EMBED(fupin_settings_csv)
FUPIN_DECLARE_EMBED(fupin_scenario_linxia_csv)
FUPIN_DECLARE_EMBED(fupin_headline_figures_csv)
FUPIN_DECLARE_EMBED(fupin_statistics_csv)
FUPIN_DECLARE_EMBED(fupin_openapi_json)
FUPIN_DECLARE_EMBED(fupin_table1_csv)
FUPIN_DECLARE_EMBED(fupin_indicators_json)

namespace fupin::embedded {
namespace {
std::string_view View(const char* begin, const char* end) {
  return std::string_view(begin, static_cast<size_t>(end - begin));
}
}  // namespace

std::string_view DivisionsCsv() { return View(fupin_divisions_csv_begin, fupin_divisions_csv_end); }
std::string_view CoordinatesCsv() { return View(fupin_coordinates_csv_begin, fupin_coordinates_csv_end); }
std::string_view PovertyLinesCsv() { return View(fupin_poverty_lines_csv_begin, fupin_poverty_lines_csv_end); }
std::string_view SettingsCsv() { return View(fupin_settings_csv_begin, fupin_settings_csv_end); }
std::string_view ScenarioLinxiaCsv() {
  return View(fupin_scenario_linxia_csv_begin, fupin_scenario_linxia_csv_end);
}
std::string_view HeadlineFiguresCsv() {
  return View(fupin_headline_figures_csv_begin, fupin_headline_figures_csv_end);
}

std::string_view StatisticsCsv() { return View(fupin_statistics_csv_begin, fupin_statistics_csv_end); }
std::string_view OpenApiJson() { return View(fupin_openapi_json_begin, fupin_openapi_json_end); }
std::string_view Table1Csv() { return View(fupin_table1_csv_begin, fupin_table1_csv_end); }
std::string_view IndicatorsJson() { return View(fupin_indicators_json_begin, fupin_indicators_json_end); }

}  // namespace fupin::embedded
