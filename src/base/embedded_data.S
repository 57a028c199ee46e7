/* Reference data compiled into the program (see embedded_data.h). */
#define EMBED(sym, path)            \
  .section .rodata;                 \
  .global sym##_begin;              \
  .global sym##_end;                \
  .balign 16;                       \
sym##_begin:                        \
  .incbin path;                     \
sym##_end:                          \
  .byte 0

EMBED(fupin_divisions_csv, "data/linxia/divisions.csv")
EMBED(fupin_coordinates_csv, "data/linxia/coordinates.csv")
EMBED(fupin_poverty_lines_csv, "data/reference/poverty_lines.csv")
EMBED(fupin_settings_csv, "data/reference/settings.csv")
EMBED(fupin_scenario_linxia_csv, "data/scenarios/linxia.csv")
EMBED(fupin_headline_figures_csv, "data/paper/headline_figures.csv")
EMBED(fupin_statistics_csv, "data/linxia/statistics.csv")
EMBED(fupin_table1_csv, "data/paper/table1_gansu_ecommerce.csv")
EMBED(fupin_indicators_json, "data/indicators/catalogue.json")
EMBED(fupin_openapi_json, "docs/openapi.json")

.section .note.GNU-stack,"",@progbits
