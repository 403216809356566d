//! Reads a QR code printed on a terminal (half blocks, light modules drawn) with a real
//! decoder (rqrr), as a phone camera would read it off the screen.

pub fn decode_terminal(text: &str) -> String {
    let rows: Vec<Vec<char>> = text
        .lines()
        .filter(|l| l.chars().any(|c| matches!(c, '█' | '▀' | '▄')))
        .map(|l| l.chars().collect())
        .collect();
    let width = rows[0].len();
    let height = rows.len() * 2;
    const SCALE: usize = 4;
    let dark = |x: usize, y: usize| {
        let c = rows[y / 2][x];
        let light = match c {
            '█' => true,
            '▀' => y.is_multiple_of(2),
            '▄' => !y.is_multiple_of(2),
            _ => false,
        };
        !light
    };
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(width * SCALE, height * SCALE, |x, y| {
            if dark(x / SCALE, y / SCALE) { 0 } else { 255 }
        });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the terminal");
    grids[0].decode().expect("the code decodes").1
}
