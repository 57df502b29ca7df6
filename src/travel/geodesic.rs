//! Great-circle walking distance in metres, with an R-tree radius search.
