//! A QGIS project of a plan: what a planner sees on opening it, before touching anything.
//!
//! One group per service, the first shown and the others ready to switch on, so services do
//! not pile up on one another. In each group the layers are stacked points over lines over
//! polygons (sites, demand points, allocations, catchments, districts), each filtered to the
//! service and styled by the layer's own QML: sites by status with labels, demand by share
//! served, catchments in translucent colours, districts translucent. The map opens on the
//! planned zones, in Web Mercator (EPSG:3857) over layers in WGS 84. Paths are relative, so
//! the folder or GeoPackage can be moved.

use super::rows::{GeometryKind, Layer};
use crate::markup::escape;
use crate::model::projection::extent_of;
use crate::pipeline::CityPlan;

/// The layers of a service's group, top (drawn last) first, and whether each is shown.
const STACK: [(&str, bool); 5] = [
    ("sites", true),
    ("demand_points", true),
    ("allocations", false),
    ("catchments", true),
    ("districts", true),
];

/// Where the project's layers are read from, relative to the project.
#[derive(Debug, Clone, Copy)]
pub enum Source {
    /// `<layer>.geojson` files beside `plan.qgs`.
    GeojsonFiles,
    /// Layers of the `plan.gpkg` that holds the project.
    Geopackage,
}

impl Source {
    fn datasource(self, layer: &str, service: &str) -> String {
        let file = match self {
            Source::GeojsonFiles => format!("./{layer}.geojson"),
            Source::Geopackage => format!("./plan.gpkg|layername={layer}"),
        };
        format!("{file}|subset=\"service\" = '{service}'")
    }
}

/// The project file (`.qgs` XML) showing `layers` of `plan`, read from `source`.
pub fn project_xml(plan: &CityPlan, layers: &[Layer], source: Source) -> String {
    let services: Vec<&str> = plan
        .services
        .iter()
        .map(|s| s.service.kind.name())
        .collect();
    let mut tree = String::new();
    let mut maps = String::new();
    for (k, service) in services.iter().enumerate() {
        let shown = k == 0;
        tree += &format!(
            "    <layer-tree-group name=\"{}\" checked=\"{}\" expanded=\"{}\">\n",
            escape(service),
            checked(shown),
            u8::from(shown)
        );
        for (name, visible) in STACK {
            let Some(layer) = layers.iter().find(|l| l.name == name) else {
                continue;
            };
            let id = format!("{service}_{name}");
            let datasource = escape(&source.datasource(name, service));
            tree += &format!(
                "      <layer-tree-layer id=\"{id}\" name=\"{name}\" source=\"{datasource}\" \
                 providerKey=\"ogr\" checked=\"{}\" expanded=\"0\"/>\n",
                checked(visible)
            );
            maps += &map_layer(layer, &id, &datasource);
        }
        tree += "    </layer-tree-group>\n";
    }
    let title = escape(&plan.scenario.title);
    let (canvas_extent, default_view) = match planned_extent(plan) {
        Some([x0, y0, x1, y1]) => (
            format!(
                "    <extent><xmin>{x0}</xmin><ymin>{y0}</ymin><xmax>{x1}</xmax>\
                 <ymax>{y1}</ymax></extent>\n"
            ),
            format!(
                "  <ProjectViewSettings UseProjectScales=\"0\" rotation=\"0\">\n\
                 \x20   <DefaultViewExtent xmin=\"{x0}\" ymin=\"{y0}\" xmax=\"{x1}\" \
                 ymax=\"{y1}\">{MERCATOR}</DefaultViewExtent>\n\
                 \x20 </ProjectViewSettings>\n"
            ),
        ),
        None => (String::new(), String::new()),
    };
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n\
         <qgis projectname=\"{title}\" version=\"3.22.0\">\n\
         \x20 <homePath path=\"\"/>\n\
         \x20 <title>{title}</title>\n\
         \x20 <projectCrs>{MERCATOR}</projectCrs>\n\
         \x20 <layer-tree-group>\n{tree}  </layer-tree-group>\n\
         \x20 <mapcanvas name=\"theMapCanvas\">\n\
         \x20   <units>meters</units>\n{canvas_extent}\
         \x20   <rotation>0</rotation>\n\
         \x20   <destinationsrs>{MERCATOR}</destinationsrs>\n\
         \x20 </mapcanvas>\n{default_view}\
         \x20 <projectlayers>\n{maps}  </projectlayers>\n\
         \x20 <properties>\n\
         \x20   <Paths><Absolute type=\"bool\">false</Absolute></Paths>\n\
         \x20   <SpatialRefSys><ProjectionsEnabled type=\"int\">1</ProjectionsEnabled></SpatialRefSys>\n\
         \x20 </properties>\n\
         </qgis>\n"
    )
}

/// Web Mercator, the display CRS of web maps: metres, and familiar at city scale. QGIS
/// reads a CRS from its PROJ string; the authority id alone leaves it invalid.
const MERCATOR: &str = "<spatialrefsys><proj4>+proj=merc +a=6378137 +b=6378137 +lat_ts=0 \
    +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs</proj4>\
    <authid>EPSG:3857</authid></spatialrefsys>";

/// WGS 84 lon/lat, the layers' CRS.
const WGS84: &str = "<spatialrefsys><proj4>+proj=longlat +datum=WGS84 +no_defs</proj4>\
    <authid>EPSG:4326</authid></spatialrefsys>";

fn checked(shown: bool) -> &'static str {
    match shown {
        true => "Qt::Checked",
        false => "Qt::Unchecked",
    }
}

/// One layer of one service, with the style of its QML.
fn map_layer(layer: &Layer, id: &str, datasource: &str) -> String {
    let geometry = match layer.geometry {
        Some(GeometryKind::Point) => "Point",
        Some(GeometryKind::Line) => "Line",
        Some(GeometryKind::Area) | None => "Polygon",
    };
    let style = layer.style.map(style_body).unwrap_or_default();
    let labels = u8::from(
        layer
            .style
            .is_some_and(|s| s.contains("labelsEnabled=\"1\"")),
    );
    format!(
        "    <maplayer type=\"vector\" geometry=\"{geometry}\" labelsEnabled=\"{labels}\">\n\
         \x20     <id>{id}</id>\n\
         \x20     <datasource>{datasource}</datasource>\n\
         \x20     <layername>{}</layername>\n\
         \x20     <srs>{WGS84}</srs>\n\
         \x20     <provider encoding=\"UTF-8\">ogr</provider>\n\
         {style}\n\
         \x20   </maplayer>\n",
        layer.name
    )
}

/// What a QML file holds inside its `<qgis>` element: the renderer and the labels.
fn style_body(qml: &str) -> &str {
    let start = qml
        .find("<qgis ")
        .and_then(|at| qml[at..].find('>').map(|end| at + end + 1));
    let end = qml.rfind("</qgis>");
    match (start, end) {
        (Some(start), Some(end)) if start <= end => qml[start..end].trim(),
        _ => "",
    }
}

/// The planned zones' extent in Web Mercator metres, with a twentieth of margin:
/// `[xmin, ymin, xmax, ymax]`, rounded to the metre.
fn planned_extent(plan: &CityPlan) -> Option<[f64; 4]> {
    let extent = extent_of(
        plan.zones
            .iter()
            .zip(&plan.planned)
            .filter(|(_, &p)| p)
            .map(|(z, _)| &z.boundary),
    );
    let (x0, y0) = mercator(extent?.min().x, extent?.min().y);
    let (x1, y1) = mercator(extent?.max().x, extent?.max().y);
    let margin = 0.05 * (x1 - x0).max(y1 - y0);
    Some([x0 - margin, y0 - margin, x1 + margin, y1 + margin].map(f64::round))
}

/// Web Mercator metres of a WGS 84 longitude and latitude (spherical, as EPSG:3857).
fn mercator(lon: f64, lat: f64) -> (f64, f64) {
    const RADIUS: f64 = 6_378_137.0;
    let lat = lat.clamp(-85.0, 85.0).to_radians();
    (
        RADIUS * lon.to_radians(),
        RADIUS * (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln(),
    )
}

/// The name of the project stored in a plan's GeoPackage.
pub const STORED_NAME: &str = "plan";

/// The project as QGIS stores it in a GeoPackage's `qgis_projects` table: the `.qgz`
/// archive (the `.qgs` in a zip) written out in hexadecimal. The archive's time is fixed,
/// so equal plans give equal files.
///
/// # Errors
/// The zip writer's message, should it fail in memory.
pub fn stored_content(xml: &str) -> Result<String, String> {
    use std::io::Write;
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default());
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    archive
        .start_file(format!("{STORED_NAME}.qgs"), options)
        .map_err(|e| e.to_string())?;
    archive
        .write_all(xml.as_bytes())
        .map_err(|e| e.to_string())?;
    let bytes = archive.finish().map_err(|e| e.to_string())?.into_inner();
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_style_is_what_the_qml_holds_inside_its_qgis_element() {
        let qml =
            "<!DOCTYPE qgis>\n<!-- note -->\n<qgis version=\"3.28\">\n <renderer-v2/>\n</qgis>\n";
        assert_eq!(style_body(qml), "<renderer-v2/>");
        assert_eq!(style_body("no style"), "");
    }

    /// Zhengzhou's centre, 113.625° E 34.747° N: x = R·λ and y = R·ln tan(π/4 + φ/2) with
    /// R = 6,378,137 m give 12,648,677 m and 4,129,552 m.
    #[test]
    fn web_mercator_of_zhengzhou() {
        let (x, y) = mercator(113.625, 34.747);
        assert!((x - 12_648_677.1).abs() < 0.1, "{x}");
        assert!((y - 4_129_552.4).abs() < 0.1, "{y}");
    }
}
