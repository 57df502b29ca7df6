//! One GeoPackage (through GDAL) holding every layer of a plan, or every table of a
//! solution, with each styled layer's QGIS style stored in the `layer_styles` table, so QGIS
//! opens the layers styled (a GeoPackage without styled layers has no such table).
//!
//! Spatial layers are in EPSG:4326 (WGS84 lon/lat); tables without coordinates are
//! attribute layers. Columns keep the names and order of the GeoJSON and CSV outputs; text
//! is TEXT, counts INTEGER, every other number REAL. GeoPackage records when each table
//! last changed: that time is fixed ([`FIXED_TIME`]), so equal plans give equal files.

use super::qgis_project;
use super::rows::{Cell, GeometryKind, Layer, Row, Shape};
use super::ExportError;
use gdal::errors::GdalError;
use gdal::spatial_ref::{AxisMappingStrategy, SpatialRef};
use gdal::vector::{
    Feature, FieldDefn, Geometry, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType,
};
use gdal::{Dataset, DriverManager};
use std::path::Path;

/// The time written as every table's last change and every style's update time: a fixed
/// one, because the clock's would make each run's file different.
pub const FIXED_TIME: &str = "2000-01-01T00:00:00.000Z";

/// The name GDAL gives the geometry column of a GeoPackage layer.
const GEOMETRY_COLUMN: &str = "geom";

/// Writes `layers` and the styles of the spatial ones into a new GeoPackage at `path`; on
/// failure the partial file is removed.
///
/// # Errors
/// [`ExportError::Gdal`] with GDAL's message.
pub fn write_layers(path: &Path, layers: &[Layer]) -> Result<(), ExportError> {
    write_layers_and_project(path, layers, None)
}

/// Writes `layers`, their styles and, when given, a QGIS project (its `.qgs` XML, stored in
/// the `qgis_projects` table as QGIS does) into a new GeoPackage at `path`; on failure the
/// partial file is removed.
///
/// # Errors
/// [`ExportError::Gdal`] with GDAL's message.
pub fn write_layers_and_project(
    path: &Path,
    layers: &[Layer],
    project: Option<&str>,
) -> Result<(), ExportError> {
    let result = write_with_fixed_time(path, layers, project).map_err(|e| ExportError::Gdal {
        path: path.to_path_buf(),
        message: e.to_string(),
    });
    if result.is_err() {
        remove_with_companions(path);
    }
    result
}

/// Removes a GeoPackage and the journal files SQLite may leave beside it.
fn remove_with_companions(path: &Path) {
    let _ = std::fs::remove_file(path);
    for suffix in ["-journal", "-wal", "-shm"] {
        let mut companion = path.as_os_str().to_owned();
        companion.push(suffix);
        let _ = std::fs::remove_file(companion);
    }
}

fn write_with_fixed_time(
    path: &Path,
    layers: &[Layer],
    project: Option<&str>,
) -> Result<(), GdalError> {
    // Thread-local, so that only this writer's timestamps are fixed.
    gdal::config::set_thread_local_config_option("OGR_CURRENT_DATE", FIXED_TIME)?;
    let result = write_dataset(path, layers, project);
    gdal::config::clear_thread_local_config_option("OGR_CURRENT_DATE")?;
    result
}

fn write_dataset(path: &Path, layers: &[Layer], project: Option<&str>) -> Result<(), GdalError> {
    let driver = DriverManager::get_driver_by_name("GPKG")?;
    let mut dataset = driver.create_vector_only(path)?;
    let mut wgs84 = SpatialRef::from_epsg(4326)?;
    wgs84.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    for layer in layers {
        create_layer(&mut dataset, layer, &wgs84)?;
    }
    let styles: Vec<(&str, &str)> = layers
        .iter()
        .filter_map(|l| Some((l.name, l.style?)))
        .collect();
    if !styles.is_empty() {
        create_styles_table(&mut dataset)?;
    }
    // One transaction for all rows: SQLite commits each row on its own otherwise.
    let transaction = dataset.start_transaction()?;
    for layer in layers {
        let mut target = transaction.layer_by_name(layer.name)?;
        for row in &layer.rows {
            add_feature(&mut target, row)?;
        }
    }
    if !styles.is_empty() {
        let mut table = transaction.layer_by_name(STYLES_TABLE)?;
        for &(name, qml) in &styles {
            add_feature(&mut table, &style_row(name, qml))?;
        }
    }
    transaction.commit()?;
    if let Some(xml) = project {
        store_project(&dataset, xml)?;
    }
    dataset.close()
}

/// Stores the project in QGIS's `qgis_projects` table (name, metadata, content), where
/// QGIS lists and opens the projects of a GeoPackage.
fn store_project(dataset: &Dataset, xml: &str) -> Result<(), GdalError> {
    let content = qgis_project::stored_content(xml).map_err(GdalError::BadArgument)?;
    let metadata = format!(
        "{{\"last_modified_time\": \"{}\", \"last_modified_user\": \"defacto\" }}",
        &FIXED_TIME[..19]
    );
    dataset.execute_sql(
        "CREATE TABLE qgis_projects(name TEXT PRIMARY KEY, metadata BLOB, content BLOB)",
        None,
        gdal::vector::sql::Dialect::DEFAULT,
    )?;
    dataset.execute_sql(
        format!(
            "INSERT INTO qgis_projects VALUES ('{}', '{metadata}', '{content}')",
            qgis_project::STORED_NAME
        ),
        None,
        gdal::vector::sql::Dialect::DEFAULT,
    )?;
    Ok(())
}

/// Creates a layer with one field per column of its first row.
fn create_layer(dataset: &mut Dataset, layer: &Layer, wgs84: &SpatialRef) -> Result<(), GdalError> {
    let (ty, srs) = match layer.geometry {
        Some(GeometryKind::Point) => (OGRwkbGeometryType::wkbPoint, Some(wgs84)),
        Some(GeometryKind::Line) => (OGRwkbGeometryType::wkbLineString, Some(wgs84)),
        Some(GeometryKind::Area) => (OGRwkbGeometryType::wkbMultiPolygon, Some(wgs84)),
        None => (OGRwkbGeometryType::wkbNone, None),
    };
    let created = dataset.create_layer(LayerOptions {
        name: layer.name,
        srs,
        ty,
        options: None,
    })?;
    let Some(first) = layer.rows.first() else {
        return Ok(());
    };
    for (name, cell) in &first.properties {
        let field_type = match cell {
            Cell::Text(_) => OGRFieldType::OFTString,
            Cell::Integer(_) => OGRFieldType::OFTInteger64,
            Cell::Real(_) => OGRFieldType::OFTReal,
        };
        FieldDefn::new(name, field_type)?.add_to_layer(&created)?;
    }
    Ok(())
}

fn add_feature(layer: &mut gdal::vector::Layer<'_>, row: &Row) -> Result<(), GdalError> {
    let mut feature = Feature::new(layer.defn())?;
    for (index, (_, cell)) in row.properties.iter().enumerate() {
        match cell {
            Cell::Text(Some(text)) => feature.set_field_string(index, text)?,
            Cell::Integer(Some(value)) => feature.set_field_integer64(index, *value)?,
            Cell::Real(Some(value)) => feature.set_field_double(index, *value)?,
            Cell::Text(None) | Cell::Integer(None) | Cell::Real(None) => {
                feature.set_field_null(index)?
            }
        }
    }
    if let Some(shape) = &row.geometry {
        feature.set_geometry(geometry(shape)?)?;
    }
    feature.create(layer)
}

fn geometry(shape: &Shape) -> Result<Geometry, GdalError> {
    match shape {
        Shape::Point(p) => line_of(OGRwkbGeometryType::wkbPoint, &[*p]),
        Shape::Line(a, b) => line_of(OGRwkbGeometryType::wkbLineString, &[*a, *b]),
        Shape::Area(polygons) => {
            let mut multi = Geometry::empty(OGRwkbGeometryType::wkbMultiPolygon)?;
            for rings in polygons {
                let mut polygon = Geometry::empty(OGRwkbGeometryType::wkbPolygon)?;
                for ring in rings {
                    polygon.add_geometry(line_of(OGRwkbGeometryType::wkbLinearRing, ring)?)?;
                }
                multi.add_geometry(polygon)?;
            }
            Ok(multi)
        }
    }
}

/// A point, line or ring of the given positions.
fn line_of(ty: OGRwkbGeometryType::Type, positions: &[[f64; 2]]) -> Result<Geometry, GdalError> {
    let mut geometry = Geometry::empty(ty)?;
    for &[x, y] in positions {
        geometry.add_point_2d((x, y));
    }
    Ok(geometry)
}

/// The table QGIS reads a GeoPackage layer's styles from.
const STYLES_TABLE: &str = "layer_styles";

/// The columns of QGIS's `layer_styles` table (as QGIS itself creates it), with the widths
/// it gives its text columns (0: unlimited).
const STYLE_COLUMNS: [(&str, i32); 11] = [
    ("f_table_catalog", 256),
    ("f_table_schema", 256),
    ("f_table_name", 256),
    ("f_geometry_column", 256),
    ("styleName", 30),
    ("styleQML", 0),
    ("styleSLD", 0),
    ("useAsDefault", 0),
    ("description", 0),
    ("owner", 30),
    ("ui", 30),
];

/// QGIS's `layer_styles` table: an attribute layer with an `id` key, the text columns of
/// [`STYLE_COLUMNS`] (`useAsDefault` an integer, 1 = default) and `update_time`.
fn create_styles_table(dataset: &mut Dataset) -> Result<(), GdalError> {
    let table = dataset.create_layer(LayerOptions {
        name: STYLES_TABLE,
        srs: None,
        ty: OGRwkbGeometryType::wkbNone,
        options: Some(&["FID=id"]),
    })?;
    for (name, width) in STYLE_COLUMNS {
        let field_type = match name {
            "useAsDefault" => OGRFieldType::OFTInteger,
            _ => OGRFieldType::OFTString,
        };
        let field = FieldDefn::new(name, field_type)?;
        field.set_width(width);
        field.add_to_layer(&table)?;
    }
    FieldDefn::new("update_time", OGRFieldType::OFTDateTime)?.add_to_layer(&table)
}

/// The default style of layer `name`: the QML QGIS applies when it opens the layer.
fn style_row(name: &str, qml: &str) -> Row {
    let cells = [
        Cell::text(""),
        Cell::text(""),
        Cell::text(name),
        Cell::text(GEOMETRY_COLUMN),
        Cell::text(name),
        Cell::text(qml),
        Cell::Text(None),
        Cell::Integer(Some(1)),
        Cell::text(format!("defacto's style for {name}")),
        Cell::text("defacto"),
        Cell::Text(None),
        Cell::text(FIXED_TIME),
    ];
    let names = STYLE_COLUMNS.map(|(name, _)| name);
    Row {
        geometry: None,
        properties: names
            .into_iter()
            .chain(["update_time"])
            .zip(cells)
            .collect(),
    }
}
