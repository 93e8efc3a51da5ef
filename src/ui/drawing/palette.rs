//! The page's colour scales, named once (as TensorFlow Playground's
//! `heatmap.ts` names its colours). The link colours themselves (orange
//! negative, blue positive) live in `web/style.css` as the `link neg` /
//! `link pos` classes; these are the scales the views compute per cell.

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rgb(pub f64, pub f64, pub f64);

/// Playground's orange, for class 0 and negative weights.
pub const ORANGE: Rgb = Rgb(245.0, 147.0, 34.0);
/// Playground's blue, for class 1 and positive weights.
pub const BLUE: Rgb = Rgb(8.0, 119.0, 189.0);
/// A cell where nothing survives.
pub const PAPER: Rgb = Rgb(255.0, 255.0, 255.0);
/// A pixel whose connections all survive (deep blue).
pub const INK_BLUE: Rgb = Rgb(0.0, 0.0, 155.0);
/// A mask block with nothing kept, and one with everything kept.
pub const HEAT_EMPTY: Rgb = Rgb(240.0, 244.0, 248.0);
pub const HEAT_FULL: Rgb = Rgb(24.0, 61.0, 78.0);
/// Where a receptive field keeps nothing.
pub const FIELD_GROUND: Rgb = Rgb(238.0, 241.0, 245.0);
/// The ticket's and the controls' colours, as `web/style.css` names them (`--ticket`, `--reinit`, `--random`),
/// for what the page draws on a canvas.
pub const TICKET: Rgb = Rgb(8.0, 119.0, 189.0);
pub const REINIT: Rgb = Rgb(192.0, 57.0, 43.0);
pub const RANDOM: Rgb = Rgb(127.0, 140.0, 141.0);
/// How opaque the decision regions are drawn under the test points.
pub const REGION_OPACITY: f64 = 0.55;

impl Rgb {
    /// The colour a fraction `t` (0..=1) of the way from `self` to `to`.
    pub fn mix(self, to: Rgb, t: f64) -> Rgb {
        let t = t.clamp(0.0, 1.0);
        Rgb(self.0 + (to.0 - self.0) * t, self.1 + (to.1 - self.1) * t, self.2 + (to.2 - self.2) * t)
    }

    /// CSS `rgb(…)`.
    pub fn css(self) -> String {
        format!("rgb({},{},{})", self.0 as u8, self.1 as u8, self.2 as u8)
    }

    /// CSS `rgba(…)` with `alpha`.
    pub fn css_alpha(self, alpha: f64) -> String {
        format!("rgba({},{},{},{alpha})", self.0 as u8, self.1 as u8, self.2 as u8)
    }
}

/// A decision region: the predicted probability of class 1, orange to blue.
pub fn region(p_one: f64) -> String {
    ORANGE.mix(BLUE, p_one).css_alpha(REGION_OPACITY)
}

/// A pixel by the fraction of its first-layer connections that survive.
pub fn survival_rgb(kept: f64) -> Rgb {
    PAPER.mix(INK_BLUE, kept)
}

/// A block of a layer's mask by the fraction it keeps.
pub fn density_rgb(kept: f64) -> Rgb {
    HEAT_EMPTY.mix(HEAT_FULL, kept)
}

/// Colours of the configurations of an imported sweep, in order (ColorBrewer's
/// Dark2, readable on white and apart from each other).
pub const SWEEP_COLOURS: [&str; 8] =
    ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"];

/// The colour of configuration `i`.
pub fn sweep_colour(i: usize) -> &'static str {
    SWEEP_COLOURS[i % SWEEP_COLOURS.len()]
}
