//! GeoJSON zones (district or township polygons) and point features (facilities, sites).
