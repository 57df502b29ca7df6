//! Travel costs between demand points and sites, built only for reachable pairs.

pub mod geodesic;
