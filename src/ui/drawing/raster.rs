//! Grids of coloured cells as one PNG image (a `data:` URL, which the page's
//! Content-Security-Policy allows for images), drawn pixelated. A LeNet's
//! mask maps are ~16,000 cells: as SVG rects each redraw was 0.3–0.8 s of
//! main-thread work; as a handful of images it is a few milliseconds.

use base64::Engine as _;

use crate::ui::drawing::palette::Rgb;

/// Bytes per pixel of the images (8-bit RGB).
const RGB: usize = 3;

/// A `width` × `height` grid of colours, row-major.
pub struct Raster {
    width: usize,
    height: usize,
    rgb: Vec<u8>,
}

impl Raster {
    /// Cell (x, y) coloured `colour(x, y)`.
    pub fn from_fn(width: usize, height: usize, colour: impl Fn(usize, usize) -> Rgb) -> Self {
        let mut rgb = Vec::with_capacity(width * height * RGB);
        for y in 0..height {
            for x in 0..width {
                let Rgb(r, g, b) = colour(x, y);
                rgb.extend([r, g, b].map(|c| c.round().clamp(0.0, 255.0) as u8));
            }
        }
        Self { width, height, rgb }
    }

    /// The grid as a PNG `data:` URL (empty if it would not encode).
    pub fn data_url(&self) -> String {
        let mut bytes = Vec::new();
        let encoded = (|| -> Result<(), png::EncodingError> {
            let mut encoder = png::Encoder::new(&mut bytes, self.width as u32, self.height as u32);
            encoder.set_color(png::ColorType::Rgb);
            encoder.set_depth(png::BitDepth::Eight);
            encoder.write_header()?.write_image_data(&self.rgb)
        })();
        match encoded {
            Ok(()) => format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes)),
            Err(_) => String::new(),
        }
    }
}
