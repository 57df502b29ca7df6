//! A local flat projection in metres, for grids and radius searches at city scale.
