//! The bureau's report: one self-contained HTML file (inline styles and SVG, no script, no
//! network) for one plan or a comparison — per service the indicator tables, a map of each
//! plan (districts shaded by unmet demand, demand cells by the share served, existing,
//! expanded and new sites) and the travel distribution of hukou and non-hukou residents.

use super::figures::{Access, Group, PlanFigures};
use super::read::{PlanTables, PointRow, SiteRow};
use super::tables::{group_words, more_is_better, shown, shown_difference, words};
use super::{Comparison, IndicatorRow};
use crate::markup::escape;
use crate::model::SiteStatus;
use geo::{CoordsIter, MultiPolygon};
use std::fmt::Write;

/// Map size in SVG pixels.
const MAP_WIDTH: f64 = 460.0;
const MAP_HEIGHT: f64 = 360.0;

/// Bars of the travel chart.
const TRAVEL_BINS: usize = 10;

const STYLE: &str = "body{font-family:sans-serif;margin:2em;color:#222;max-width:1400px}\
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}\
th{background:#f2f2f2}td.l,th.l{text-align:left}.pos{color:#1a7f37}.neg{color:#b42318}\
.plans{display:flex;flex-wrap:wrap;gap:1.5em}figure{margin:0}figcaption{font-size:.9em;margin-bottom:.3em}\
svg{background:#fafafa;border:1px solid #ddd}.legend span{display:inline-block;margin-right:1em;font-size:.85em}\
.swatch{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:middle}";

/// Classes of the share of a demand cell served within the standard, with their colours
/// (a cell placed farther, or without a place, is not within it).
const SERVED_CLASSES: [(&str, &str); 3] = [
    ("all within the standard", "#1a9850"),
    ("partly within the standard", "#fdae61"),
    ("none within the standard", "#d73027"),
];

/// Fill of a district by its unmet share: none, then four steps up to all unmet.
const UNMET_FILLS: [&str; 5] = ["#ffffff", "#fee5d9", "#fcae91", "#fb6a4a", "#cb181d"];

/// Site colours by status.
const SITE_COLOURS: [(SiteStatus, &str); 3] = [
    (SiteStatus::Existing, "#4d4d4d"),
    (SiteStatus::Expansion, "#2166ac"),
    (SiteStatus::Candidate, "#e66101"),
];

/// Group colours of the travel chart.
const GROUP_COLOURS: [(Group, &str); 2] = [(Group::Hukou, "#4575b4"), (Group::NonHukou, "#f46d43")];

/// The report for `comparison`, whose plans were read from `tables` (same order).
pub fn report_html(comparison: &Comparison, tables: &[PlanTables]) -> String {
    let plans = &comparison.plans;
    let heading = match plans.as_slice() {
        [only] => only.title.clone(),
        _ => "Scenario comparison".to_owned(),
    };
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n<ul>\n",
        escape(&heading),
        escape(&heading)
    );
    for (n, plan) in plans.iter().enumerate() {
        let role = if n == 0 && plans.len() > 1 {
            " — baseline"
        } else {
            ""
        };
        let _ = writeln!(
            html,
            "<li><b>{}</b>: {} (planning basis: {}){role}</li>",
            escape(&plan.name),
            escape(&plan.title),
            escape(&plan.basis)
        );
    }
    html.push_str("</ul>\n<h2>In brief</h2>\n");
    for (service, sentences) in super::story::sentences(comparison) {
        let _ = writeln!(html, "<h3>{}</h3>", escape(&service));
        for sentence in sentences {
            let _ = writeln!(html, "<p>{}</p>", escape(&sentence));
        }
    }
    let rows = comparison.rows();
    for service in comparison.services() {
        write_service(&mut html, comparison, tables, &rows, service);
    }
    html.push_str("</body>\n</html>\n");
    html
}

fn write_service(
    html: &mut String,
    comparison: &Comparison,
    tables: &[PlanTables],
    rows: &[IndicatorRow],
    service: &str,
) {
    let _ = writeln!(html, "<h2>{}</h2>", escape(service));
    let of_service: Vec<&IndicatorRow> = rows
        .iter()
        .filter(|r| r.service == service && r.district.is_empty())
        .collect();
    html.push_str("<h3>What each plan builds</h3>\n");
    write_table(
        html,
        comparison,
        of_service.iter().filter(|r| r.group.is_empty()),
    );
    html.push_str("<h3>Access within the standard</h3>\n");
    html.push_str(
        "<p class=\"legend\">Differences from the first plan in green where more people \
         have a place or travel less, in red where fewer or farther.</p>\n",
    );
    write_table(
        html,
        comparison,
        of_service.iter().filter(|r| !r.group.is_empty()),
    );
    html.push_str("<h3>Maps</h3>\n");
    write_legend(html);
    let extent = Extent::of(tables, service);
    html.push_str("<div class=\"plans\">\n");
    for (plan, table) in comparison.plans.iter().zip(tables) {
        if plan.service(service).is_some() {
            write_map(html, plan, table, service, &extent);
        }
    }
    html.push_str("</div>\n<h3>Travel of the demand served</h3>\n<p class=\"legend\">");
    for (group, colour) in GROUP_COLOURS {
        let _ = write!(
            html,
            "<span><i class=\"swatch\" style=\"background:{colour}\"></i>{}</span>",
            group.name()
        );
    }
    html.push_str("</p>\n<div class=\"plans\">\n");
    let longest = comparison
        .plans
        .iter()
        .filter_map(|p| p.service(service))
        .flat_map(|s| s.access[0].travel.last().map(|t| t.0))
        .fold(0.0, f64::max);
    for plan in &comparison.plans {
        if let Some(figures) = plan.service(service) {
            write_travel_chart(html, plan, &figures.access, longest);
        }
    }
    html.push_str("</div>\n");
}

fn write_table<'r>(
    html: &mut String,
    comparison: &Comparison,
    rows: impl Iterator<Item = &'r &'r IndicatorRow>,
) {
    let names = comparison.names();
    html.push_str("<table>\n<tr><th class=\"l\">group</th><th class=\"l\">indicator</th><th class=\"l\">unit</th>");
    for name in &names {
        let _ = write!(html, "<th>{}</th>", escape(name));
    }
    for name in names.iter().skip(1) {
        let _ = write!(html, "<th>{} − {}</th>", escape(name), escape(names[0]));
    }
    html.push_str("</tr>\n");
    for row in rows {
        let _ = write!(
            html,
            "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td class=\"l\">{}</td>",
            group_words(row.group),
            escape(words(row.indicator)),
            escape(&row.unit)
        );
        for value in &row.values {
            let _ = write!(html, "<td>{}</td>", shown(row.indicator, *value));
        }
        for difference in row.differences() {
            let text = shown_difference(row.indicator, difference);
            let class = difference_class(row.indicator, &text, difference);
            let _ = write!(html, "<td{class}>{text}</td>");
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>\n");
}

/// The class that colours a difference: green where the plan is better for the people it
/// serves than the first plan, red where it is worse, none where the indicator is neither
/// ([`more_is_better`]) or the difference shows as nothing.
fn difference_class(indicator: &str, text: &str, difference: Option<f64>) -> &'static str {
    let (Some(more_is_better), Some(d)) = (more_is_better(indicator), difference) else {
        return "";
    };
    match (text, (d > 0.0) == more_is_better) {
        ("0" | "–", _) => "",
        (_, true) => " class=\"pos\"",
        (_, false) => " class=\"neg\"",
    }
}

fn write_legend(html: &mut String) {
    html.push_str("<p class=\"legend\">");
    for (label, colour) in SERVED_CLASSES {
        let _ = write!(
            html,
            "<span><i class=\"swatch\" style=\"background:{colour}\"></i>demand cell {label}</span>"
        );
    }
    for (status, colour) in SITE_COLOURS {
        let _ = write!(
            html,
            "<span><i class=\"swatch\" style=\"background:{colour};border-radius:50%\"></i>{} site</span>",
            status.name()
        );
    }
    html.push_str(
        "<span>districts: darker = more demand without a place within the standard</span></p>\n",
    );
}

/// The lon/lat box every map of one service shows, so the plans line up.
struct Extent {
    west: f64,
    south: f64,
    /// Horizontal and vertical pixels per degree (longitude shrunk by the latitude's cosine).
    scale: f64,
    /// Longitude's shrink at the box's middle latitude.
    shrink: f64,
}

impl Extent {
    fn of(tables: &[PlanTables], service: &str) -> Self {
        let (mut west, mut south, mut east, mut north) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        let mut include = |p: [f64; 2]| {
            west = west.min(p[0]);
            east = east.max(p[0]);
            south = south.min(p[1]);
            north = north.max(p[1]);
        };
        for table in tables {
            table
                .points
                .iter()
                .filter(|p| p.service == service)
                .for_each(|p| include(p.location));
            table
                .sites
                .iter()
                .filter(|s| s.service == service)
                .for_each(|s| include(s.location));
            table
                .districts
                .iter()
                .flat_map(|d| d.boundary.coords_iter())
                .for_each(|c| include([c.x, c.y]));
        }
        if west > east {
            (west, south, east, north) = (0.0, 0.0, 1.0, 1.0);
        }
        let shrink = ((south + north) / 2.0).to_radians().cos().max(0.01);
        let width = ((east - west) * shrink).max(1e-6);
        let height = (north - south).max(1e-6);
        let scale = 0.94 * (MAP_WIDTH / width).min(MAP_HEIGHT / height);
        let margin_x = (MAP_WIDTH - width * scale) / 2.0;
        let margin_y = (MAP_HEIGHT - height * scale) / 2.0;
        Extent {
            west: west - margin_x / (scale * shrink),
            south: south - margin_y / scale,
            scale,
            shrink,
        }
    }

    /// SVG pixel of a lon/lat position (y grows downwards).
    fn pixel(&self, p: [f64; 2]) -> (f64, f64) {
        let x = (p[0] - self.west) * self.shrink * self.scale;
        let y = MAP_HEIGHT - (p[1] - self.south) * self.scale;
        (x, y)
    }
}

fn write_map(
    html: &mut String,
    plan: &PlanFigures,
    table: &PlanTables,
    service: &str,
    extent: &Extent,
) {
    let _ = writeln!(
        html,
        "<figure><figcaption>{}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" \
         width=\"{MAP_WIDTH}\" height=\"{MAP_HEIGHT}\" viewBox=\"0 0 {MAP_WIDTH} {MAP_HEIGHT}\">",
        escape(&plan.name)
    );
    let figures = plan.service(service);
    for district in &table.districts {
        let unmet_share = figures
            .and_then(|f| f.districts.iter().find(|d| d.0 == district.name))
            .and_then(|d| d.1[0].served_share())
            .map_or(0.0, |served| 1.0 - served);
        let _ = writeln!(
            html,
            "<path d=\"{}\" fill=\"{}\" fill-rule=\"evenodd\" stroke=\"#888\"><title>{}: {:.1} % unmet</title></path>",
            boundary_path(&district.boundary, extent),
            unmet_fill(unmet_share),
            escape(&district.name),
            100.0 * unmet_share
        );
    }
    for catchment in table.catchments.iter().filter(|c| c.service == service) {
        let _ = writeln!(
            html,
            "<path class=\"catchment\" d=\"{}\" fill=\"none\" stroke=\"#444\" stroke-width=\"0.7\"><title>catchment of {}</title></path>",
            boundary_path(&catchment.boundary, extent),
            escape(&catchment.site)
        );
    }
    let points: Vec<&PointRow> = table
        .points
        .iter()
        .filter(|p| p.service == service)
        .collect();
    for (class, (_, colour)) in SERVED_CLASSES.iter().enumerate() {
        let mut d = String::new();
        for point in points
            .iter()
            .filter(|p| served_class(p.served_share) == class)
        {
            let (x, y) = extent.pixel(point.location);
            let _ = write!(d, "M{:.1} {:.1}h3v3h-3z", x - 1.5, y - 1.5);
        }
        if !d.is_empty() {
            let _ = writeln!(html, "<path d=\"{d}\" fill=\"{colour}\"/>");
        }
    }
    let sites: Vec<&SiteRow> = table
        .sites
        .iter()
        .filter(|s| s.service == service)
        .collect();
    for (status, colour) in SITE_COLOURS {
        for site in sites.iter().filter(|s| s.status == status) {
            let (x, y) = extent.pixel(site.location);
            let _ = writeln!(
                html,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\" fill=\"{colour}\" stroke=\"#fff\" stroke-width=\"0.8\"/>"
            );
        }
    }
    html.push_str("</svg></figure>\n");
}

fn served_class(share: f64) -> usize {
    match share {
        s if s >= 1.0 - 1e-9 => 0,
        s if s > 1e-9 => 1,
        _ => 2,
    }
}

fn unmet_fill(share: f64) -> &'static str {
    match share {
        s if s <= 1e-9 => UNMET_FILLS[0],
        s if s < 0.1 => UNMET_FILLS[1],
        s if s < 0.25 => UNMET_FILLS[2],
        s if s < 0.5 => UNMET_FILLS[3],
        _ => UNMET_FILLS[4],
    }
}

fn boundary_path(boundary: &MultiPolygon<f64>, extent: &Extent) -> String {
    let mut d = String::new();
    let rings = boundary
        .iter()
        .flat_map(|polygon| std::iter::once(polygon.exterior()).chain(polygon.interiors()));
    for ring in rings {
        for (n, c) in ring.coords().enumerate() {
            let (x, y) = extent.pixel([c.x, c.y]);
            let _ = write!(d, "{}{x:.1} {y:.1}", if n == 0 { "M" } else { "L" });
        }
        d.push('Z');
    }
    d
}

/// Bars of the share of each group's served demand by travel, in `TRAVEL_BINS` equal
/// steps up to `longest`.
fn write_travel_chart(html: &mut String, plan: &PlanFigures, access: &[Access; 3], longest: f64) {
    const WIDTH: f64 = 460.0;
    const HEIGHT: f64 = 220.0;
    const LEFT: f64 = 40.0;
    const BOTTOM: f64 = 30.0;
    let _ = writeln!(
        html,
        "<figure><figcaption>{} (travel in {})</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" \
         width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\">",
        escape(&plan.name),
        plan.travel_unit
    );
    let step = match longest > 0.0 {
        true => longest / TRAVEL_BINS as f64,
        false => 1.0,
    };
    let plot_height = HEIGHT - BOTTOM - 10.0;
    let bin_width = (WIDTH - LEFT - 10.0) / TRAVEL_BINS as f64;
    for (g, (group, colour)) in GROUP_COLOURS.iter().enumerate() {
        let shares = travel_shares(&access[*group as usize], step);
        for (bin, share) in shares.iter().enumerate() {
            let height = share * plot_height;
            let x = LEFT + bin as f64 * bin_width + 2.0 + g as f64 * (bin_width - 4.0) / 2.0;
            let _ = writeln!(
                html,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{height:.1}\" fill=\"{colour}\"><title>{}: {:.1} %</title></rect>",
                HEIGHT - BOTTOM - height,
                (bin_width - 4.0) / 2.0,
                group.name(),
                100.0 * share
            );
        }
    }
    for tick in 0..=TRAVEL_BINS {
        if tick % 2 == 0 {
            let _ = writeln!(
                html,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{:.0}</text>",
                LEFT + tick as f64 * bin_width,
                HEIGHT - BOTTOM + 14.0,
                tick as f64 * step
            );
        }
    }
    let _ = writeln!(
        html,
        "<line x1=\"{LEFT}\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\" stroke=\"#444\"/>\
         <text x=\"4\" y=\"{2}\" font-size=\"10\">100 %</text><text x=\"4\" y=\"{0}\" font-size=\"10\">0</text>",
        HEIGHT - BOTTOM,
        WIDTH - 10.0,
        HEIGHT - BOTTOM - plot_height + 4.0
    );
    html.push_str("</svg></figure>\n");
}

/// Share of a group's served demand in each travel bin of width `step` (the last bin
/// includes its upper end).
fn travel_shares(access: &Access, step: f64) -> [f64; TRAVEL_BINS] {
    let mut shares = [0.0; TRAVEL_BINS];
    let total: f64 = access.travel.iter().map(|t| t.1).sum();
    if total <= 0.0 {
        return shares;
    }
    for &(travel, weight) in &access.travel {
        let bin = ((travel / step) as usize).min(TRAVEL_BINS - 1);
        shares[bin] += weight / total;
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn travel_shares_sum_to_one_and_the_longest_trip_lands_in_the_last_bar() {
        let access = Access {
            demand: 4.0,
            served: 4.0,
            placed: 4.0,
            travel: vec![(0.0, 1.0), (50.0, 1.0), (100.0, 2.0)],
        };
        let shares = travel_shares(&access, 10.0);
        assert_eq!(shares[0], 0.25);
        assert_eq!(shares[5], 0.25);
        assert_eq!(shares[9], 0.5);
    }

    #[test]
    fn more_people_without_a_place_is_red_and_more_served_is_green() {
        let red = " class=\"neg\"";
        let green = " class=\"pos\"";
        assert_eq!(
            difference_class("without_a_place", "+7,069", Some(7069.0)),
            red
        );
        assert_eq!(difference_class("mean_travel", "−12", Some(-12.0)), green);
        assert_eq!(
            difference_class("served_share", "+1.5 pp", Some(0.015)),
            green
        );
        assert_eq!(
            difference_class("served_within_standard", "−3", Some(-3.0)),
            red
        );
        assert_eq!(difference_class("cost", "+100", Some(100.0)), "");
        assert_eq!(difference_class("unmet", "0", Some(0.2)), "");
    }
}
