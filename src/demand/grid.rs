//! Spreading zone totals onto a grid clipped to the zone polygons.
