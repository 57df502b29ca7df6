//! Travel costs between demand points and sites, built only for reachable pairs: straight
//! walking distance on the ellipsoid ([`geodesic`]), or along streets read from OpenStreetMap
//! or GeoJSON ([`streets`] → [`network`] → [`routes`]).

pub mod cache;
pub mod geodesic;
pub mod network;
pub mod routes;
pub mod streets;
