//! Cost tables of millions of rows, read in parallel.
//!
//! A cost table is usually plain: no quotes, one row per line, ids and numbers. Such a table
//! is cut into pieces at line ends and every piece parsed on its own core. Anything else —
//! quotes, a row with too few or too many cells, an unknown id, a value that is not a number
//! of 0 or more, a pair listed twice — makes this reader step aside, and the row-by-row
//! reader reads the table again and names the file, row and column of the fault. On a
//! generated city with 11.9 million pairs the row-by-row reader took about 10 s.

use rayon::prelude::*;
use std::collections::HashMap;

/// Pieces per core: enough that a core with slow pieces does not hold up the others.
const PIECES_PER_CORE: usize = 4;

/// A byte-order mark, which spreadsheet programs put at the start of UTF-8 files.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The pairs of a plain cost table in file order, as (demand index, site index, cost), or
/// `None` when the table is not plain or has a fault (see the module documentation).
/// `demand_ids` and `site_ids` map ids to indices.
pub fn read(
    bytes: &[u8],
    demand_ids: &HashMap<String, (usize, u64)>,
    site_ids: &HashMap<String, (usize, u64)>,
) -> Option<Vec<(usize, usize, f64)>> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    if bytes.contains(&b'"') {
        return None;
    }
    let header_end = bytes.iter().position(|&b| b == b'\n')?;
    let header = std::str::from_utf8(&bytes[..header_end]).ok()?;
    let header = header.strip_suffix('\r').unwrap_or(header);
    if header.contains('\r') {
        return None;
    }
    let header: Vec<&str> = header.split(',').map(str::trim).collect();
    let layout = Layout {
        cells: header.len(),
        demand: header.iter().position(|&h| h == "demand_id")?,
        site: header.iter().position(|&h| h == "site_id")?,
        cost: header.iter().position(|&h| h == "cost")?,
    };
    let body = &bytes[header_end + 1..];
    let pieces = pieces(body, rayon::current_num_threads() * PIECES_PER_CORE);
    let parsed: Option<Vec<Vec<(usize, usize, f64)>>> = pieces
        .par_iter()
        .map(|piece| parse_piece(piece, &layout, demand_ids, site_ids))
        .collect();
    let triples: Vec<(usize, usize, f64)> = parsed?.concat();
    (!has_repeated_pair(&triples)).then_some(triples)
}

/// Where the columns read are, and how many cells a row has.
struct Layout {
    cells: usize,
    demand: usize,
    site: usize,
    cost: usize,
}

/// `body` cut into about `count` pieces, each ending at a line end (or the end of the body).
fn pieces(body: &[u8], count: usize) -> Vec<&[u8]> {
    let size = body.len().div_ceil(count.max(1)).max(1);
    let mut pieces = Vec::with_capacity(count);
    let mut start = 0;
    while start < body.len() {
        let end = match body[(start + size).min(body.len())..]
            .iter()
            .position(|&b| b == b'\n')
        {
            Some(offset) => (start + size).min(body.len()) + offset + 1,
            None => body.len(),
        };
        pieces.push(&body[start..end]);
        start = end;
    }
    pieces
}

/// The pairs of one piece, or `None` at the first row that is not plain and valid. Empty
/// lines are skipped, as the row-by-row reader skips them.
fn parse_piece(
    piece: &[u8],
    layout: &Layout,
    demand_ids: &HashMap<String, (usize, u64)>,
    site_ids: &HashMap<String, (usize, u64)>,
) -> Option<Vec<(usize, usize, f64)>> {
    let text = std::str::from_utf8(piece).ok()?;
    let mut triples = Vec::with_capacity(text.len() / 16);
    let mut cells: Vec<&str> = Vec::with_capacity(layout.cells);
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        if line.contains('\r') {
            return None;
        }
        cells.clear();
        cells.extend(line.split(',').map(str::trim));
        if cells.len() != layout.cells {
            return None;
        }
        let (i, _) = demand_ids.get(cells[layout.demand])?;
        let (j, _) = site_ids.get(cells[layout.site])?;
        let cost: f64 = cells[layout.cost].parse().ok()?;
        if !(cost.is_finite() && cost >= 0.0) {
            return None;
        }
        triples.push((*i, *j, cost));
    }
    Some(triples)
}

/// Whether some demand/site pair is listed twice.
fn has_repeated_pair(triples: &[(usize, usize, f64)]) -> bool {
    let mut keys: Vec<(usize, usize)> = triples.par_iter().map(|&(i, j, _)| (i, j)).collect();
    keys.par_sort_unstable();
    keys.par_windows(2).any(|pair| pair[0] == pair[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(names: &[&str]) -> HashMap<String, (usize, u64)> {
        names
            .iter()
            .enumerate()
            .map(|(k, name)| (name.to_string(), (k, k as u64 + 2)))
            .collect()
    }

    fn read_text(text: &str) -> Option<Vec<(usize, usize, f64)>> {
        read(text.as_bytes(), &ids(&["a", "b"]), &ids(&["s", "t"]))
    }

    #[test]
    fn a_plain_table_is_read_in_file_order_with_spaces_crlf_bom_and_blank_lines() {
        let text =
            "\u{feff}site_id, demand_id ,cost,note\r\nt,b,2.5,x\r\n\r\n s ,a,0,\r\nt,a,1e3,y";
        assert_eq!(
            read_text(text),
            Some(vec![(1, 1, 2.5), (0, 0, 0.0), (0, 1, 1000.0)])
        );
    }

    #[test]
    fn every_fault_is_left_to_the_row_by_row_reader() {
        let faults = [
            "demand_id,site_id,cost\na,s,-1\n",
            "demand_id,site_id,cost\na,s,NaN\n",
            "demand_id,site_id,cost\na,s,\n",
            "demand_id,site_id,cost\na,x,1\n",
            "demand_id,site_id,cost\na,s\n",
            "demand_id,site_id,cost\n\"a\",s,1\n",
            "demand_id,site_id,cost\na,s,1\nb,t,2\na,s,3\n",
            "demand_id,site,cost\na,s,1\n",
            "demand_id,site_id,cost\ra,s,1\rb,t,2\n",
            "demand_id,site_id,cost\na,s,1\rb,t,2\n",
        ];
        for text in faults {
            assert_eq!(read_text(text), None, "{text:?}");
        }
    }

    #[test]
    fn pieces_end_at_line_ends_and_cover_the_body() {
        let body = b"a,s,1\nb,t,22\na,t,333\n";
        for count in 1..=8 {
            let cut = pieces(body, count);
            assert_eq!(cut.concat(), body.to_vec());
            assert!(cut.iter().all(|p| p.ends_with(b"\n")));
        }
    }
}
