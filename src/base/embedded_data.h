#pragma once
// Reference data files compiled into the binary by embedded_data.S, so that
// `fupin` reads nothing from the source tree at run time. Each accessor returns
// the whole file as UTF-8 text; the memory lives as long as the program.
#include <string_view>

namespace fupin::embedded {

std::string_view DivisionsCsv();       // data/linxia/divisions.csv (NBS 2023)
std::string_view CoordinatesCsv();     // data/linxia/coordinates.csv
std::string_view PovertyLinesCsv();    // data/reference/poverty_lines.csv
std::string_view SettingsCsv();        // data/reference/settings.csv
std::string_view ScenarioLinxiaCsv();  // data/scenarios/linxia.csv
std::string_view HeadlineFiguresCsv(); // data/paper/headline_figures.csv
std::string_view StatisticsCsv();      // data/linxia/statistics.csv (cited figures)
std::string_view OpenApiJson();        // docs/openapi.json (the API document)
std::string_view Table1Csv();          // data/paper/table1_gansu_ecommerce.csv (the paper's Table 1)
std::string_view IndicatorsJson();     // data/indicators/catalogue.json (the indicator catalogue)

}  // namespace fupin::embedded
