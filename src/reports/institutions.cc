#include "reports/institutions.h"

#include <fmt/format.h>

#include "base/text.h"
#include "db/database.h"
#include "regions/tree.h"
#include "reports/benefit.h"

namespace fupin::reports {
namespace {

Cell Share(int64_t part, int64_t total) {
  if (total <= 0) return Cell::Empty();
  return Cell::Percent((part * 20000 + total) / (2 * total));  // hundredths of a percent, half up
}

}  // namespace

Report InstitutionsReport(const regions::RegionTree& tree, const regions::Region& region, int year,
                          const std::vector<InstitutionPurchases>& rows) {
  Report r;
  r.name = "institutions";
  r.title_zh = "单位采购";
  r.title_en = "What institutions bought";
  r.region_code = region.code;
  r.region_name = region.name;
  r.year = year;
  r.columns = {
      {"institution_id", "编号", "id", Kind::kInt},
      {"name", "单位", "institution", Kind::kText},
      {"kind", "类型", "kind", Kind::kText},
      {"region_code", "区划代码", "code", Kind::kText},
      {"region_name", "地区", "region", Kind::kText},
      {"orders", "订单", "orders", Kind::kInt},
      {"total_fen", "采购额(分)", "bought (fen)", Kind::kInt},
      {"certified_fen", "其中认定扶贫产品(分)", "certified (fen)", Kind::kInt},
      {"certified_share", "占比%", "certified %", Kind::kPercent},
      {"poor_village_fen", "其中来自贫困村(分)", "poor villages (fen)", Kind::kInt},
      {"poor_village_share", "占比%", "poor villages %", Kind::kPercent},
  };
  InstitutionPurchases sum;
  for (const InstitutionPurchases& p : rows) {
    const regions::Region* where = tree.Find(p.region_code);
    Row row;
    row.cells = {Cell::Int(p.institution_id),
                 Cell::Text(p.name),
                 Cell::Text(p.kind),
                 Cell::Text(p.region_code),
                 Cell::Text(where ? where->name : ""),
                 Cell::Int(p.orders),
                 Cell::Int(p.total_fen),
                 Cell::Int(p.certified_fen),
                 Share(p.certified_fen, p.total_fen),
                 Cell::Int(p.poor_village_fen),
                 Share(p.poor_village_fen, p.total_fen)};
    r.rows.push_back(std::move(row));
    sum.orders += p.orders;
    sum.total_fen += p.total_fen;
    sum.certified_fen += p.certified_fen;
    sum.poor_village_fen += p.poor_village_fen;
  }
  Row total;
  total.total = true;
  total.cells = {Cell::Empty(),
                 Cell::Text(fmt::format("{} institutions", rows.size())),
                 Cell::Empty(),
                 Cell::Text(region.code),
                 Cell::Text(region.name),
                 Cell::Int(sum.orders),
                 Cell::Int(sum.total_fen),
                 Cell::Int(sum.certified_fen),
                 Share(sum.certified_fen, sum.total_fen),
                 Cell::Int(sum.poor_village_fen),
                 Share(sum.poor_village_fen, sum.total_fen)};
  r.rows.push_back(std::move(total));
  r.notes = {
      fmt::format("institutions located in {} ({}); their orders paid in {} and not refunded", region.name, region.code,
                  year),
      "certified: lines of products whose poverty-alleviation certificate, as recorded, was valid on the day of "
      "payment",
      fmt::format("poor villages: lines of products whose origin village had register status poor in {}", year),
      "money in fen (100 fen = 1 yuan); shares of what the institution bought, rounded half up to two decimals",
  };
  r.summary = fmt::format(
      "{} institutions, {} orders, {} fen bought, {} fen of certified products, {} fen from "
      "poor villages",
      rows.size(), text::Grouped(sum.orders), text::Grouped(sum.total_fen), text::Grouped(sum.certified_fen),
      text::Grouped(sum.poor_village_fen));
  return r;
}

std::vector<InstitutionPurchases> LoadInstitutionPurchases(db::Connection& conn, const regions::RegionTree& tree,
                                                           const regions::Region& region, int year) {
  const std::string from = fmt::format("{:04d}-01-01", year), to = fmt::format("{:04d}-01-01", year + 1);
  auto st = conn.Prepare(
      "SELECT i.institution_id, i.name, i.kind, i.region_code, COUNT(DISTINCT o.order_id), "
      "COALESCE(SUM(ol.amount_fen), 0), "
      "COALESCE(SUM(CASE WHEN p.certified_from IS NOT NULL AND p.certified_from <= SUBSTR(o.paid_at, 1, 10) "
      "AND p.certified_until >= SUBSTR(o.paid_at, 1, 10) THEN ol.amount_fen ELSE 0 END), 0), "
      "COALESCE(SUM(CASE WHEN v.status = 'poor' THEN ol.amount_fen ELSE 0 END), 0) "
      "FROM institutions i "
      "LEFT JOIN orders o ON o.institution_id = i.institution_id AND o.paid_at >= ? AND o.paid_at < ? "
      "AND o.state <> 'refunded' "
      "LEFT JOIN order_lines ol ON ol.order_id = o.order_id "
      "LEFT JOIN products p ON p.product_id = ol.product_id "
      "LEFT JOIN village_years v ON v.village_code = p.origin_village_code AND v.year = ? "
      "GROUP BY i.institution_id, i.name, i.kind, i.region_code ORDER BY i.institution_id");
  st->Bind(1, from).Bind(2, to).Bind(3, year);
  std::vector<InstitutionPurchases> out;
  while (st->Step()) {
    InstitutionPurchases p;
    p.institution_id = st->Int(0);
    p.name = st->Text(1);
    p.kind = st->Text(2);
    p.region_code = st->Text(3);
    p.orders = st->Int(4);
    p.total_fen = st->Int(5);
    p.certified_fen = st->Int(6);
    p.poor_village_fen = st->Int(7);
    if (tree.Covers(region.code, p.region_code)) out.push_back(std::move(p));
  }
  return out;
}

Result<Report> BuildInstitutionsReport(db::Connection& conn, std::optional<int> year, const std::string& region) {
  regions::RegionTree tree = regions::RegionTree::Load(conn);
  auto where = ResolveReportRegion(tree, region);
  if (!where) return where.error();
  auto y = ResolveReportYear(conn, year);
  if (!y) return y.error();
  return InstitutionsReport(tree, **where, *y, LoadInstitutionPurchases(conn, tree, **where, *y));
}

}  // namespace fupin::reports
